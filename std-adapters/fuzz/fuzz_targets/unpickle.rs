//! A strict unpickler for the part of pickle protocol 1 that emlog writes:
//! a dict with str keys and None, int, float and str values. It follows
//! Python's `Lib/pickle.py` `_Unpickler` for those opcodes and refuses
//! anything else, so that "it decodes" means "Python's `pickle.loads` takes
//! it and gets these values".

/// A decoded value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Int(i128),
    /// The bits of the float, so that NaNs compare equal to themselves.
    Float(u64),
    Str(String),
    Dict(Vec<(Value, Value)>),
}

enum Item {
    Mark,
    Value(Value),
}

/// Decodes one pickle that must fill `data` exactly (STOP is its last byte).
pub fn unpickle(data: &[u8]) -> Result<Value, String> {
    let mut stack: Vec<Item> = Vec::new();
    let mut at = 0;
    loop {
        let op = *data.get(at).ok_or("no STOP before the end")?;
        at += 1;
        match op {
            b'}' => stack.push(Item::Value(Value::Dict(Vec::new()))),
            b'(' => stack.push(Item::Mark),
            b'N' => stack.push(Item::Value(Value::None)),
            b'K' => {
                let [b] = take::<1>(data, &mut at)?;
                stack.push(Item::Value(Value::Int(i128::from(b))));
            }
            b'M' => {
                let bytes = take::<2>(data, &mut at)?;
                stack.push(Item::Value(Value::Int(u16::from_le_bytes(bytes).into())));
            }
            b'J' => {
                let bytes = take::<4>(data, &mut at)?;
                stack.push(Item::Value(Value::Int(i32::from_le_bytes(bytes).into())));
            }
            b'L' => {
                // Python: `val = readline()[:-1]`, a trailing 'L' dropped,
                // then `int(val, 0)`: base prefixes allowed, no leading zeros.
                let end = data[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .ok_or("LONG without its newline")?;
                let line = std::str::from_utf8(&data[at..at + end]).map_err(|e| e.to_string())?;
                at += end + 1;
                let digits = line.strip_suffix('L').unwrap_or(line);
                stack.push(Item::Value(Value::Int(python_int(digits)?)));
            }
            b'G' => {
                let bytes = take::<8>(data, &mut at)?;
                stack.push(Item::Value(Value::Float(u64::from_be_bytes(bytes))));
            }
            b'X' => {
                let len = u32::from_le_bytes(take::<4>(data, &mut at)?) as usize;
                let bytes = data
                    .get(at..at.checked_add(len).ok_or("length overflow")?)
                    .ok_or("BINUNICODE beyond the end")?;
                at += len;
                let text = std::str::from_utf8(bytes).map_err(|e| format!("BINUNICODE: {e}"))?;
                stack.push(Item::Value(Value::Str(text.to_owned())));
            }
            b'u' => {
                let mark = stack
                    .iter()
                    .rposition(|item| matches!(item, Item::Mark))
                    .ok_or("SETITEMS without MARK")?;
                let items: Vec<Value> = stack
                    .drain(mark..)
                    .skip(1)
                    .map(|item| match item {
                        Item::Value(v) => Ok(v),
                        Item::Mark => Err("MARK inside SETITEMS".to_owned()),
                    })
                    .collect::<Result<_, _>>()?;
                if !items.len().is_multiple_of(2) {
                    return Err("SETITEMS with an odd number of items".into());
                }
                let Some(Item::Value(Value::Dict(dict))) = stack.last_mut() else {
                    return Err("SETITEMS on something that is not a dict".into());
                };
                let mut items = items.into_iter();
                while let (Some(key), Some(value)) = (items.next(), items.next()) {
                    if !matches!(key, Value::Str(_)) {
                        return Err(format!("dict key {key:?} is not a str"));
                    }
                    dict.push((key, value));
                }
            }
            b'.' => {
                if at != data.len() {
                    return Err(format!("{} bytes after STOP", data.len() - at));
                }
                return match (stack.pop(), stack.is_empty()) {
                    (Some(Item::Value(v)), true) => Ok(v),
                    _ => Err("STOP with other than one value on the stack".into()),
                };
            }
            other => return Err(format!("opcode {other:#04x} at {} is not emlog's", at - 1)),
        }
    }
}

fn take<const N: usize>(data: &[u8], at: &mut usize) -> Result<[u8; N], String> {
    let bytes = data
        .get(*at..*at + N)
        .ok_or_else(|| format!("{N}-byte argument beyond the end"))?;
    *at += N;
    Ok(bytes.try_into().map_err(|_| "slice length")?)
}

/// Python's `int(text, 0)` for decimal text: a sign, digits, no leading zero
/// (except zero itself), no `_`.
fn python_int(text: &str) -> Result<i128, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !valid {
        return Err(format!("LONG {text:?} is not what int(val, 0) accepts"));
    }
    text.parse().map_err(|e| format!("LONG {text:?}: {e}"))
}
