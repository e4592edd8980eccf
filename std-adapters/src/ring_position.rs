//! Positions in the record queue's ring: which slot, and which lap around
//! the ring, packed in one `u64` so that a single compare-and-swap claims a
//! position and sees the queue's flags.
//!
//! The ring has `P` slots, `P` any number from 2 up (the queue's capacity
//! plus one), so a position is kept as its slot index and its lap rather than
//! as a running count: moving to the next position and telling how many
//! positions lie between two take no division.

/// The listener found nothing to take and sleeps: the producer that claims
/// the next position clears this bit and wakes it.
pub(crate) const SLEEPING: u64 = 1 << 62;
/// The listener is stopped: nothing more is queued (every record is
/// dropped and counted) until it starts again.
pub(crate) const STOPPED: u64 = 1 << 63;

/// Laps are counted modulo 2^30 (the bits below the flags).
const LAP_MASK: u32 = (1 << 30) - 1;

/// A position: slot `index` (below the ring's size) on lap `lap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) lap: u32,
    pub(crate) index: u32,
}

impl Position {
    /// The first position.
    pub(crate) const START: Position = Position { lap: 0, index: 0 };

    /// The position in `word`, without its flags.
    #[inline(always)]
    pub(crate) fn unpack(word: u64) -> Position {
        Position {
            lap: ((word >> 32) as u32) & LAP_MASK,
            index: word as u32,
        }
    }

    /// This position as a word with no flags set.
    #[inline(always)]
    pub(crate) fn pack(self) -> u64 {
        (u64::from(self.lap) << 32) | u64::from(self.index)
    }

    /// The position after this one in a ring of `slots` slots.
    #[inline(always)]
    pub(crate) fn next(self, slots: u32) -> Position {
        if self.index + 1 < slots {
            Position {
                lap: self.lap,
                index: self.index + 1,
            }
        } else {
            Position {
                lap: (self.lap + 1) & LAP_MASK,
                index: 0,
            }
        }
    }

    /// How many positions lie from `earlier` up to this one in a ring of
    /// `slots` slots (both on laps less than 2^30 apart).
    #[inline(always)]
    pub(crate) fn since(self, earlier: Position, slots: u32) -> u64 {
        let laps = u64::from(self.lap.wrapping_sub(earlier.lap) & LAP_MASK);
        (laps * u64::from(slots) + u64::from(self.index)).wrapping_sub(u64::from(earlier.index))
    }

    /// A slot's turn while it waits for the record of this position (laps
    /// taken modulo 2^30, so the turn fits 31 bits).
    #[inline(always)]
    pub(crate) fn free_turn(self) -> u32 {
        self.lap << 1
    }

    /// A slot's turn once it holds the record of this position.
    #[inline(always)]
    pub(crate) fn ready_turn(self) -> u32 {
        (self.lap << 1) | 1
    }

    /// The turn a slot gets when the record of this position leaves it:
    /// free for the position one lap later.
    #[inline(always)]
    pub(crate) fn next_lap_turn(self) -> u32 {
        ((self.lap + 1) & LAP_MASK) << 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_step_through_every_slot_and_count_the_distance() {
        for slots in [2u32, 3, 5, 64, 65_537] {
            let mut p = Position::START;
            for steps in 0..(3 * u64::from(slots) + 7) {
                assert_eq!(p.since(Position::START, slots), steps, "{slots} slots");
                assert_eq!(Position::unpack(p.pack() | SLEEPING | STOPPED), p);
                p = p.next(slots);
            }
        }
    }

    #[test]
    fn laps_wrap_without_changing_distances_or_turns() {
        let slots = 7;
        let last_lap = Position {
            lap: LAP_MASK,
            index: slots - 2,
        };
        let wrapped = last_lap.next(slots).next(slots).next(slots);
        assert_eq!(wrapped, Position { lap: 0, index: 1 });
        assert_eq!(wrapped.since(last_lap, slots), 3);
        assert_eq!(
            last_lap.next_lap_turn(),
            Position { lap: 0, index: 0 }.free_turn()
        );
        assert!(last_lap.ready_turn() < 1 << 31);
        assert_ne!(last_lap.ready_turn(), last_lap.free_turn());
    }
}
