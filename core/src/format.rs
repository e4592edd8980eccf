//! Formatter: Python's format strings, parsed once, rendered straight into a writer.
//!
//! MINIMAL PLACEHOLDER: supports `%(name)s`, `%(levelname)s`, `%(message)s`
//! and literal text only. To be replaced by the full implementation.

use core::fmt;

use crate::Record;

/// How many pieces (literal runs and fields) a format string may have.
pub const MAX_PIECES: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Name,
    LevelName,
    Message,
}

#[derive(Clone, Copy, Debug)]
enum Piece {
    Literal { start: u16, len: u16 },
    Field(Field),
}

/// A parsed format string.
#[derive(Clone, Debug)]
pub struct Formatter {
    source: &'static str,
    pieces: heapless::Vec<Piece, MAX_PIECES>,
}

/// What is wrong with a format string, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// Byte offset in the format string.
    pub position: usize,
    /// What was wrong.
    pub kind: FormatErrorKind,
}

/// The kinds of format string errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatErrorKind {
    /// A field name that is not a record field.
    UnknownField,
    /// `%(` without `)`.
    Unterminated,
    /// Too many pieces.
    TooManyPieces,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad format string at byte {}: {:?}",
            self.position, self.kind
        )
    }
}

impl core::error::Error for FormatError {}

impl Formatter {
    /// Python's `logging.BASIC_FORMAT`.
    pub const BASIC: &'static str = "%(levelname)s:%(name)s:%(message)s";

    /// Python's default: the message alone.
    pub fn message_only() -> Formatter {
        let mut pieces = heapless::Vec::new();
        let _ = pieces.push(Piece::Field(Field::Message));
        Formatter {
            source: "%(message)s",
            pieces,
        }
    }

    /// Parses a %-style format string.
    pub fn new(source: &'static str) -> Result<Formatter, FormatError> {
        let mut pieces = heapless::Vec::new();
        let bytes = source.as_bytes();
        let mut i = 0;
        let mut lit = 0;
        let push = |pieces: &mut heapless::Vec<Piece, MAX_PIECES>, p: Piece, at: usize| {
            pieces.push(p).map_err(|_| FormatError {
                position: at,
                kind: FormatErrorKind::TooManyPieces,
            })
        };
        while i < bytes.len() {
            if bytes[i] == b'%' && bytes.get(i + 1) == Some(&b'(') {
                if i > lit {
                    push(
                        &mut pieces,
                        Piece::Literal {
                            start: lit as u16,
                            len: (i - lit) as u16,
                        },
                        lit,
                    )?;
                }
                let close = source[i..].find(')').ok_or(FormatError {
                    position: i,
                    kind: FormatErrorKind::Unterminated,
                })? + i;
                let field = match &source[i + 2..close] {
                    "name" => Field::Name,
                    "levelname" => Field::LevelName,
                    "message" => Field::Message,
                    _ => {
                        return Err(FormatError {
                            position: i + 2,
                            kind: FormatErrorKind::UnknownField,
                        });
                    }
                };
                push(&mut pieces, Piece::Field(field), i)?;
                i = close + 2;
                lit = i;
            } else {
                i += 1;
            }
        }
        if lit < bytes.len() {
            push(
                &mut pieces,
                Piece::Literal {
                    start: lit as u16,
                    len: (bytes.len() - lit) as u16,
                },
                lit,
            )?;
        }
        Ok(Formatter { source, pieces })
    }

    /// Renders a record.
    pub fn render(&self, record: &Record<'_>, out: &mut dyn fmt::Write) -> fmt::Result {
        for piece in &self.pieces {
            match *piece {
                Piece::Literal { start, len } => {
                    out.write_str(&self.source[start as usize..(start + len) as usize])?
                }
                Piece::Field(Field::Name) => out.write_str(record.logger)?,
                Piece::Field(Field::LevelName) => write!(out, "{}", record.level)?,
                Piece::Field(Field::Message) => out.write_fmt(record.args)?,
            }
        }
        Ok(())
    }
}

impl Default for Formatter {
    fn default() -> Self {
        Formatter::message_only()
    }
}
