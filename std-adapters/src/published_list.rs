//! A list read on every record and changed a few times in a program's life (a
//! [`Logger`](crate::Logger)'s handlers), read without writing to memory that
//! other threads read.
//!
//! A lock that readers count themselves in (`std::sync::RwLock`) makes two
//! threads logging at once move its counter's cache line to their core twice
//! per record: in W4 of issue 6 that was a third of the logger's own time.
//! Here each change publishes a new immutable list under a new generation
//! number. A thread keeps its own reference to the list it last saw
//! ([`ThreadCopies`]) and, per record, only compares the published generation
//! with its copy's: a load of a line every core keeps in its cache until the
//! next change. Only a thread that finds its copy stale takes the lock, to
//! fetch the new list.
//!
//! Generations come from one counter for the whole program, so two lists (of
//! one logger or of two) never share one: a copy is found by its generation
//! alone, and a logger dropped and another made at the same address cannot be
//! mistaken for each other. Generation 0 is the empty list, never cached.
//!
//! Items are shared (`Arc`) between successive lists, so a thread reading an
//! older list and one reading the newer one meet at the same item (a
//! handler's lock). An item stays alive while any thread's copy holds it: the
//! owner takes what must not outlive the list out of the item when removing
//! it (the logger takes the handler out of its slot).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

/// A published list: what a change writes, once, and every reader then reads.
pub(crate) type Items<T> = Arc<[Arc<T>]>;

/// The list and its generation, changed under one lock.
pub(crate) struct PublishedList<T> {
    /// The current list (`None` while empty) and its generation.
    current: Mutex<(Option<Items<T>>, u64)>,
    /// The current generation, read per record without the lock.
    generation: AtomicU64,
}

/// The next generation of any list in the program (0 is every empty list's).
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl<T> PublishedList<T> {
    pub(crate) const fn new() -> PublishedList<T> {
        PublishedList {
            current: Mutex::new((None, 0)),
            generation: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (Option<Items<T>>, u64)> {
        // Nothing panics while the lock is held but the allocator (which aborts).
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generation published last: 0 while the list is empty.
    #[inline]
    pub(crate) fn generation(&self) -> u64 {
        // Acquire: pairs with `change`'s Release, so a thread that sees a
        // generation then finds that list (or a newer one) under the lock.
        self.generation.load(Ordering::Acquire)
    }

    /// The current list (empty: `None`) and its generation.
    pub(crate) fn snapshot(&self) -> (Option<Items<T>>, u64) {
        let current = self.lock();
        (current.0.clone(), current.1)
    }

    /// The current list if the lock is free now (for panic hooks).
    pub(crate) fn try_snapshot(&self) -> Option<Option<Items<T>>> {
        match self.current.try_lock() {
            Ok(current) => Some(current.0.clone()),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner().0.clone()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Changes the list: `f` gets a copy to change; what it leaves is
    /// published under a new generation. `f` runs under the list's lock, so
    /// it must not wait for anything an item's user may hold.
    pub(crate) fn change<R>(&self, f: impl FnOnce(&mut Vec<Arc<T>>) -> R) -> R {
        let mut current = self.lock();
        let mut items: Vec<Arc<T>> = current.0.as_deref().map(<[_]>::to_vec).unwrap_or_default();
        let result = f(&mut items);
        let generation = if items.is_empty() {
            0
        } else {
            next_generation()
        };
        *current = ((!items.is_empty()).then(|| items.into()), generation);
        // Release: a reader that sees this generation sees the list above.
        self.generation.store(generation, Ordering::Release);
        result
    }
}

/// How many lists (loggers) a thread keeps a copy of; beyond them the least
/// recently fetched copy is dropped (correct, only slower: fetched again).
const COPIES_PER_THREAD: usize = 4;

/// A thread's copy of a list, with thread-local state `L` per item (a file
/// handler's line renderer).
struct ThreadCopy<T, L> {
    /// 0 for no copy (generation 0 is the empty list, never copied).
    generation: u64,
    /// Which list this is a copy of (its address), so that a newer copy takes
    /// over the local state of items it still holds.
    owner: usize,
    /// Each item beside its state, in one slice: a record walks one array
    /// (no second length to reconcile, no index into a second one).
    entries: Vec<(Arc<T>, L)>,
}

impl<T, L> ThreadCopy<T, L> {
    const NONE: ThreadCopy<T, L> = ThreadCopy {
        generation: 0,
        owner: 0,
        entries: Vec::new(),
    };
}

/// A thread's copies of the lists it reads (see the module's description).
pub(crate) struct ThreadCopies<T, L> {
    /// The copy used last, kept apart so that a record finds it by one
    /// compare of its generation, without a look into a vector first.
    front: ThreadCopy<T, L>,
    /// Other lists' copies, the one used last first.
    others: Vec<ThreadCopy<T, L>>,
}

impl<T, L> ThreadCopies<T, L> {
    pub(crate) const fn new() -> ThreadCopies<T, L> {
        ThreadCopies {
            front: ThreadCopy::NONE,
            others: Vec::new(),
        }
    }

    /// The items of this thread's copy of `list` at `generation` (read from
    /// `list.generation()`) with this thread's state for each, fetched if
    /// this thread has no such copy; empty for generation 0 (the empty
    /// list). `local` makes an item's thread state, from the state of the
    /// copy it replaces when that copy held the same item.
    #[inline]
    pub(crate) fn get(
        &mut self,
        list: &PublishedList<T>,
        generation: u64,
        local: impl FnMut(&T, Option<L>) -> L,
    ) -> &mut [(Arc<T>, L)] {
        // A front copy of generation 0 has no entries: the empty list's.
        if self.front.generation == generation {
            return &mut self.front.entries;
        }
        self.fetch(list, generation, local)
    }

    #[cold]
    #[inline(never)]
    fn fetch(
        &mut self,
        list: &PublishedList<T>,
        generation: u64,
        mut local: impl FnMut(&T, Option<L>) -> L,
    ) -> &mut [(Arc<T>, L)] {
        if generation == 0 {
            return &mut [];
        }
        if let Some(at) = self.others.iter().position(|c| c.generation == generation) {
            // Another list was read in between: this one moves to the front.
            let copy = self.others.remove(at);
            self.put_in_front(copy);
            return &mut self.front.entries;
        }
        let owner = std::ptr::from_ref(list) as usize;
        let (Some(items), generation) = list.snapshot() else {
            // Emptied since `generation` was read: nothing to dispatch to.
            return &mut [];
        };
        let mut old = if self.front.generation != 0 && self.front.owner == owner {
            std::mem::replace(&mut self.front, ThreadCopy::NONE).entries
        } else {
            match self.others.iter().position(|c| c.owner == owner) {
                Some(at) => self.others.remove(at).entries,
                None => Vec::new(),
            }
        };
        let entries = items
            .iter()
            .map(|item| {
                let kept = old
                    .iter()
                    .position(|(o, _)| Arc::ptr_eq(o, item))
                    .map(|at| old.swap_remove(at).1);
                (Arc::clone(item), local(item, kept))
            })
            .collect();
        self.put_in_front(ThreadCopy {
            generation,
            owner,
            entries,
        });
        &mut self.front.entries
    }

    /// Makes `copy` the front one; the one it replaces is kept first among
    /// the others, and the least recently used beyond the bound is dropped.
    fn put_in_front(&mut self, copy: ThreadCopy<T, L>) {
        let previous = std::mem::replace(&mut self.front, copy);
        if previous.generation != 0 {
            self.others.insert(0, previous);
            self.others.truncate(COPIES_PER_THREAD - 1);
        }
    }

    /// How many copies this thread keeps.
    #[cfg(test)]
    fn len(&self) -> usize {
        usize::from(self.front.generation != 0) + self.others.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    fn items(entries: &mut [(Arc<u32>, u32)]) -> Vec<(u32, u32)> {
        entries.iter().map(|(i, l)| (**i, *l)).collect()
    }

    #[test]
    fn a_copy_is_refetched_only_when_the_list_changes() {
        let list = PublishedList::new();
        assert_eq!(list.generation(), 0);
        list.change(|v| v.push(Arc::new(7u32)));
        let mut copies = ThreadCopies::new();
        let made = std::cell::Cell::new(0);
        let g = list.generation();
        let make = |i: &u32, kept: Option<u32>| {
            made.set(made.get() + 1);
            kept.unwrap_or(*i * 10)
        };
        let copy = copies.get(&list, g, make);
        assert_eq!(items(copy), [(7, 70)]);
        assert_eq!(items(copies.get(&list, g, make)), [(7, 70)]);
        assert_eq!(made.get(), 1, "the second read used the thread's copy");
        list.change(|v| v.push(Arc::new(8)));
        let g2 = list.generation();
        assert_ne!(g2, g);
        let copy = copies.get(&list, g2, make);
        copy.iter_mut().for_each(|(_, l)| *l += 1);
        assert_eq!(items(copy), [(7, 71), (8, 81)]);
        assert_eq!(copies.len(), 1, "the stale copy was replaced");
    }

    #[test]
    fn an_item_kept_across_changes_keeps_its_thread_state() {
        let list = PublishedList::new();
        list.change(|v| v.extend([Arc::new(1u32), Arc::new(2), Arc::new(3)]));
        let mut copies = ThreadCopies::new();
        let fresh = |i: &u32, kept: Option<u32>| kept.unwrap_or(*i);
        let copy = copies.get(&list, list.generation(), fresh);
        copy.iter_mut().for_each(|(_, l)| *l += 100);
        list.change(|v| {
            v.remove(1);
            v.push(Arc::new(4));
        });
        let copy = copies.get(&list, list.generation(), fresh);
        assert_eq!(items(copy), [(1, 101), (3, 103), (4, 4)]);
    }

    /// A list changed while another list's copy is in front: its new copy
    /// still takes over the state of the items it kept from the older copy.
    #[test]
    fn a_list_changed_behind_another_keeps_its_items_thread_state() {
        let (a, b) = (PublishedList::new(), PublishedList::new());
        a.change(|v| v.push(Arc::new(1u32)));
        b.change(|v| v.push(Arc::new(9u32)));
        let mut copies = ThreadCopies::new();
        let fresh = |i: &u32, kept: Option<u32>| kept.unwrap_or(*i);
        copies.get(&a, a.generation(), fresh)[0].1 += 100;
        assert_eq!(items(copies.get(&b, b.generation(), fresh)), [(9, 9)]);
        a.change(|v| v.push(Arc::new(2)));
        assert_eq!(
            items(copies.get(&a, a.generation(), fresh)),
            [(1, 101), (2, 2)]
        );
        assert_eq!(copies.len(), 2, "a's older copy was replaced, b's kept");
        assert_eq!(items(copies.get(&b, b.generation(), fresh)), [(9, 9)]);
    }

    #[test]
    fn an_emptied_list_has_generation_zero_and_no_copy() {
        let list = PublishedList::new();
        list.change(|v| v.push(Arc::new(1u32)));
        let stale = list.generation();
        list.change(Vec::clear);
        assert_eq!(list.generation(), 0);
        let mut copies: ThreadCopies<u32, ()> = ThreadCopies::new();
        assert!(copies.get(&list, stale, |_, _| ()).is_empty());
        assert!(copies.get(&list, 0, |_, _| ()).is_empty());
        assert!(list.snapshot().0.is_none());
    }

    #[test]
    fn copies_of_several_lists_are_kept_apart_and_bounded() {
        let lists: Vec<PublishedList<u32>> = (0..COPIES_PER_THREAD as u32 + 2)
            .map(|n| {
                let list = PublishedList::new();
                list.change(|v| v.push(Arc::new(n)));
                list
            })
            .collect();
        let mut copies = ThreadCopies::new();
        for _ in 0..2 {
            for (n, list) in lists.iter().enumerate() {
                let copy = copies.get(list, list.generation(), |i, _| *i);
                assert_eq!(items(copy), [(n as u32, n as u32)]);
            }
        }
        assert_eq!(copies.len(), COPIES_PER_THREAD);
    }

    #[test]
    fn generations_are_unique_across_lists() {
        let (a, b) = (PublishedList::new(), PublishedList::new());
        a.change(|v| v.push(Arc::new(1u32)));
        b.change(|v| v.push(Arc::new(2u32)));
        assert_ne!(a.generation(), b.generation());
        let mut copies = ThreadCopies::new();
        // b's generation asked of a finds a's own list, never b's.
        let copy = copies.get(&a, b.generation(), |i, _| *i);
        assert_eq!(items(copy), [(1, 1)]);
    }

    /// Readers on two threads while a third changes the list: each read sees
    /// one whole published list, and every reader ends on the last one.
    #[test]
    fn readers_see_whole_lists_while_it_changes() {
        let list = Arc::new(PublishedList::new());
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (list, stop) = (list.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut copies = ThreadCopies::new();
                    let mut reads = 0u64;
                    loop {
                        let done = stop.load(Ordering::Acquire);
                        let g = list.generation();
                        let copy = copies.get(&list, g, |i: &u64, _| *i);
                        if !copy.is_empty() {
                            let seen: Vec<u64> = copy.iter().map(|(i, _)| **i).collect();
                            // Change n publishes exactly 1..=n.
                            let n = seen.len() as u64;
                            assert_eq!(seen, (1..=n).collect::<Vec<_>>(), "torn list");
                            reads += 1;
                            if done {
                                return (n, reads);
                            }
                        }
                    }
                })
            })
            .collect();
        for n in 1..=300u64 {
            list.change(|v| v.push(Arc::new(n)));
        }
        stop.store(true, Ordering::Release);
        for r in readers {
            let (last, reads) = r.join().unwrap();
            assert_eq!(last, 300, "a reader kept a stale list after the change");
            assert!(reads > 0);
        }
    }
}
