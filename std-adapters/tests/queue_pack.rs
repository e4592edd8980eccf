//! A plain call's arguments packed for the queue (`Message::pack`) and made
//! into a message again on the other side (`Packed::replay`): the message
//! made again writes exactly what the call's own message writes, for every
//! argument type; a `Display` argument is never packed (it runs the
//! caller's code), and neither is a message whose packed bytes do not fit
//! the room given, at any size short of what it needs. `Message::packed_len`
//! tells, without packing, exactly the bytes it takes (or that it does not
//! pack).
//!
//! One test: the dispatcher is global.

use std::sync::{Arc, Mutex};

use emlog::__private::{Packed, ReplayRoom};
use emlog::{Handler, HandlerBase, Level, Record};
use emlog_std::Logger;

static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);

/// What one record's message gave: its text, and for a packed one the
/// bytes it took and its text made again from each room that held it.
#[derive(Debug, Default)]
struct Seen {
    text: String,
    /// Bytes packed, or `None` when it was not packed in the largest room.
    packed: Option<usize>,
    /// The text made again from the packed bytes.
    replayed: Vec<String>,
    /// Rooms one byte short (or less) of what it needs, that packed it anyway.
    packed_short: usize,
    /// What `packed_len` said it would take, before it was packed.
    packed_len: Option<usize>,
}

struct Pack {
    base: HandlerBase,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Handler for Pack {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, r: &Record<'_>) -> bool {
        let mut seen = Seen {
            text: r.args.to_string(),
            packed_len: r.args.packed_len(),
            ..Seen::default()
        };
        let mut room = [0u8; 512];
        if let Some(packed) = r.args.pack(&mut room) {
            seen.packed = Some(packed.len);
            let words = packed.words();
            // The bytes as another thread finds them: copied, the room gone.
            let data = room[..packed.len].to_vec();
            room.fill(0xAA);
            let mut place = ReplayRoom::new();
            // SAFETY: `words` and `data` are what `pack` gave.
            let message = unsafe { Packed::replay(words, &data, &mut place) };
            seen.replayed.extend(message.map(|m| m.to_string()));
            // The same message from `replay_or_empty`, the queue's way in.
            let mut place = ReplayRoom::new();
            // SAFETY: as above.
            let message = unsafe { Packed::replay_or_empty(words, &data, &mut place) };
            seen.replayed.push(message.to_string());
            // Cut short, the bytes make no message (and read nothing past them).
            let mut place = ReplayRoom::new();
            // SAFETY: as above; `replay` checks the length.
            let cut = unsafe { Packed::replay(words, &data[..packed.len / 2], &mut place) };
            if packed.len > 0 && cut.is_some() {
                seen.packed_short += 1;
            }
            // Where `replay` gives `None`, `replay_or_empty` an empty message.
            let mut place = ReplayRoom::new();
            // SAFETY: as above.
            let cut =
                unsafe { Packed::replay_or_empty(words, &data[..packed.len / 2], &mut place) };
            if packed.len > 0 && !cut.to_string().is_empty() {
                seen.packed_short += 1;
            }
            for short in [0, packed.len / 2, packed.len.saturating_sub(1)] {
                if short < packed.len && r.args.pack(&mut room[..short]).is_some() {
                    seen.packed_short += 1;
                }
            }
        }
        self.seen.lock().unwrap().push(seen);
        true
    }
}

#[test]
fn packed_arguments_make_the_same_message_again_and_nothing_else_packs() {
    emlog_std::install_environment();
    emlog::install(&LOGGER).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    LOGGER
        .add(Pack {
            base: HandlerBase::new(Level::NOTSET),
            seen: Arc::clone(&seen),
        })
        .unwrap();
    emlog::refresh_threshold();

    let text = "héllo wörld";
    let long = "ü".repeat(150);
    let long = long.as_str();
    let owned = String::from(text);
    let (u8v, i16v, u32v, i32v) = (255u8, -32768i16, u32::MAX, i32::MIN);
    let (u64v, i64v, usizev, isizev) = (u64::MAX, i64::MIN, usize::MAX, isize::MIN);
    let (f32v, f64v) = (-1.25f32, 1234.5678f64);
    let shown = std::net::Ipv4Addr::LOCALHOST;
    // (message as `format!` writes it, whether it packs)
    let mut expected = Vec::new();
    emlog::info!("request {} served in {:.3} ms", 17u64, 0.017f64);
    expected.push((
        format!("request {} served in {:.3} ms", 17u64, 0.017f64),
        true,
    ));
    emlog::debug!("{} {} {} {}", u8v, i16v, u32v, i32v);
    expected.push((format!("{} {} {} {}", u8v, i16v, u32v, i32v), true));
    emlog::warning!("{} {} {} {}", u64v, i64v, usizev, isizev);
    expected.push((format!("{} {} {} {}", u64v, i64v, usizev, isizev), true));
    emlog::error!("{}|{:.3}|{:.0}|{:.17}", f64v, f64v, f32v, f64v);
    expected.push((
        format!("{}|{:.3}|{:.0}|{:.17}", f64v, f64v, f32v, f64v),
        true,
    ));
    emlog::info!("{} {} {}", f64::NAN, f64::NEG_INFINITY, -0.0f64);
    expected.push((
        format!("{} {} {}", f64::NAN, f64::NEG_INFINITY, -0.0f64),
        true,
    ));
    emlog::info!("[{}] and [{:.4}] and [{}]", text, text, "");
    expected.push((format!("[{}] and [{:.4}] and [{}]", text, text, ""), true));
    emlog::info!("{}{}", long, 7);
    expected.push((format!("{}{}", long, 7), true));
    emlog::info!("no arguments {{}}");
    // Not a plain call's message: formatted on the caller's thread.
    expected.push(("no arguments {}".to_owned(), false));
    emlog::info!("at {} now", shown);
    expected.push((format!("at {} now", shown), false));
    emlog::info!("{:?} {:>6}", text, u32v);
    expected.push((format!("{:?} {:>6}", text, u32v), false));
    // A message whose writer outgrows the room it is made again in.
    emlog::info!(
        "{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}",
        1u64,
        2u64,
        3u64,
        4u64,
        5u64,
        6u64,
        7u64,
        8u64,
        9u64,
        10u64,
        11u64,
        12u64,
        13u64,
        14u64,
        15u64,
        16u64,
        17u64,
        18u64,
        19u64,
        20u64
    );
    expected.push(((1..=20).map(|n| n.to_string()).collect(), false));
    // A `String` is a `Display` argument.
    emlog::info!("owned {}", owned);
    expected.push((format!("owned {}", owned), false));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), expected.len());
    for (k, (seen, (message, packs))) in seen.iter().zip(&expected).enumerate() {
        assert_eq!(&seen.text, message, "call {k}");
        assert_eq!(seen.packed.is_some(), *packs, "call {k}: packed");
        // The room it takes, known before packing: exactly what it takes.
        assert_eq!(seen.packed_len, seen.packed, "call {k}: packed_len");
        if *packs {
            assert_eq!(
                seen.replayed,
                [message.clone(), message.clone()],
                "call {k}: made again (by `replay`, then `replay_or_empty`)"
            );
            assert_eq!(
                seen.packed_short, 0,
                "call {k}: packed or made again from too little"
            );
        }
    }
    // A word per argument, then the texts' bytes.
    assert_eq!(seen[0].packed, Some(16));
    assert_eq!(seen[5].packed, Some(24 + 2 * text.len()));
    assert_eq!(seen[6].packed, Some(16 + 300));
}
