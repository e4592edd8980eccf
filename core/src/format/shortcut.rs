//! Pieces a host renderer may write without the formatter: a renderer that
//! compiles a template once (emlog-std's line renderer) writes the message
//! straight into its line and the three digits of `%(msecs)03d` into text it
//! keeps, and asks the formatter only for the other pieces.

use super::field::Field;
use super::{Formatter, Piece, render};

/// A piece whose text a renderer may write itself ([`Formatter::piece_shortcut`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// A plain `%(message)s` (or `{message}`): the record's message as it is.
    Message,
    /// `%(msecs)03d`: the record's [`millis`](crate::Timestamp::millis) as
    /// exactly three digits, whenever they are below 1000.
    ThreeDigitMsecs,
}

impl Formatter {
    /// Whether piece `index` is one a renderer may write itself, and how
    /// (`None` for every other piece and an index past the end).
    ///
    /// ```
    /// use emlog::format::Shortcut;
    /// let f = emlog::Formatter::new("%(msecs)03d %(msecs)d %(message)s|%(message)5s").unwrap();
    /// let kinds: Vec<_> = (0..f.piece_count()).map(|i| f.piece_shortcut(i)).collect();
    /// use Shortcut::*;
    /// assert_eq!(kinds, [Some(ThreeDigitMsecs), None, None, None, Some(Message), None, None]);
    /// ```
    pub fn piece_shortcut(&self, index: usize) -> Option<Shortcut> {
        match self.pieces().get(index) {
            Some(Piece::Field {
                field: Field::Message,
                spec,
            }) if spec.is_plain_text() => Some(Shortcut::Message),
            Some(Piece::Field {
                field: Field::Msecs,
                spec,
            }) if *spec == render::MSECS_03D => Some(Shortcut::ThreeDigitMsecs),
            _ => None,
        }
    }
}
