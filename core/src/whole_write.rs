//! Writing a whole buffer to an `embedded_io::Write` without a panic.
//!
//! embedded-io's `write_all` panics when `write` returns `Ok(0)` for bytes
//! it was given, which its contract forbids but a writer may still do (a
//! closed pipe mapped to zero, a driver with a bug). A logging path must not
//! panic on its writer's account, so the handlers write through
//! [`write_whole`], which reports that as an error of its own.

use embedded_io::ErrorKind;

/// Why [`write_whole`] could not write every byte.
#[derive(Debug)]
pub(crate) enum WholeWriteError<E> {
    /// The writer's own error.
    Writer(E),
    /// The writer took none of the bytes it was given and reported no error.
    WroteZero,
}

impl<E: embedded_io::Error> WholeWriteError<E> {
    /// The error's kind: the writer's, or [`ErrorKind::WriteZero`].
    pub(crate) fn kind(&self) -> ErrorKind {
        match self {
            WholeWriteError::Writer(e) => e.kind(),
            WholeWriteError::WroteZero => ErrorKind::WriteZero,
        }
    }
}

/// Writes all of `bytes`: one `write` first, so that a writer that takes
/// every byte at once (a blocking UART) is known to and keeps no loop, then
/// the rest a `write` at a time; a write that takes none of them is
/// [`WholeWriteError::WroteZero`]. An empty piece (the root logger's name,
/// say) is written too, and embedded-io lets a writer refuse an empty write
/// with an error: nothing was lost then, so it is no failure (as
/// `write_all`, which skips empty writes, would have it). Tested on the
/// error's path only, so a writer that cannot fail pays nothing for it.
pub(crate) fn write_whole<W: embedded_io::Write>(
    writer: &mut W,
    bytes: &[u8],
) -> Result<(), WholeWriteError<W::Error>> {
    let mut rest = match writer.write(bytes) {
        Ok(n) if n == bytes.len() => return Ok(()),
        Ok(n) => bytes.get(n..).unwrap_or_default(),
        Err(_) if bytes.is_empty() => return Ok(()),
        Err(e) => return Err(WholeWriteError::Writer(e)),
    };
    while !rest.is_empty() {
        match writer.write(rest) {
            Ok(0) => return Err(WholeWriteError::WroteZero),
            Ok(n) => rest = rest.get(n..).unwrap_or_default(),
            Err(e) => return Err(WholeWriteError::Writer(e)),
        }
    }
    Ok(())
}

/// [`write_whole`] for a writer whose error type has no value (a blocking
/// UART): a write that took no bytes is made again until it takes some, as
/// embedded-io's contract has a blocking writer do itself. So the result can
/// only be `Ok`, and the pieces' callers keep no error path for it.
pub(crate) fn write_whole_blocking<W: embedded_io::Write>(
    writer: &mut W,
    bytes: &[u8],
) -> Result<(), W::Error> {
    let mut rest = match writer.write(bytes) {
        Ok(n) if n == bytes.len() => return Ok(()),
        Ok(n) => bytes.get(n..).unwrap_or_default(),
        Err(_) if bytes.is_empty() => return Ok(()),
        Err(e) => return Err(e),
    };
    while !rest.is_empty() {
        rest = rest.get(writer.write(rest)?..).unwrap_or_default();
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    /// Takes at most `step` bytes a write; `step` 0 takes none of them
    /// (against embedded-io's contract). The other handlers' tests of a
    /// writer that takes no bytes use it too.
    pub(crate) struct Takes {
        step: usize,
        got: Vec<u8>,
        writes: usize,
    }

    impl embedded_io::ErrorType for Takes {
        type Error = ErrorKind;
    }

    impl embedded_io::Write for Takes {
        fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
            self.writes += 1;
            let n = buf.len().min(self.step);
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> Result<(), ErrorKind> {
            Ok(())
        }
    }

    pub(crate) fn takes(step: usize) -> Takes {
        Takes {
            step,
            got: Vec::new(),
            writes: 0,
        }
    }

    #[test]
    fn a_writer_that_takes_no_bytes_is_an_error_not_a_panic() {
        let mut w = takes(0);
        let result = write_whole(&mut w, b"line\n");
        assert!(matches!(result, Err(WholeWriteError::WroteZero)));
        assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::WriteZero));
        // The first write and one more: a writer that took nothing twice is stuck.
        assert_eq!(w.writes, 2);
    }

    #[test]
    fn a_writer_that_takes_a_few_bytes_a_write_gets_them_all_in_order() {
        let mut w = takes(3);
        assert!(write_whole(&mut w, b"0123456789").is_ok());
        assert_eq!(w.got, b"0123456789");
        assert_eq!(w.writes, 4);
    }

    #[test]
    fn the_writers_error_is_kept() {
        struct Broken;
        impl embedded_io::ErrorType for Broken {
            type Error = ErrorKind;
        }
        impl embedded_io::Write for Broken {
            fn write(&mut self, _: &[u8]) -> Result<usize, ErrorKind> {
                Err(ErrorKind::BrokenPipe)
            }
            fn flush(&mut self) -> Result<(), ErrorKind> {
                Ok(())
            }
        }
        let result = write_whole(&mut Broken, b"x");
        assert!(matches!(
            result,
            Err(WholeWriteError::Writer(ErrorKind::BrokenPipe))
        ));
        // An empty write refused with an error lost nothing.
        assert!(write_whole(&mut Broken, b"").is_ok());
    }
}
