//! queue_isr with the overwrite-oldest policy: an interrupt logs N records
//! through the queue while main logs M and drains it: every record comes out whole or is counted in a drop report.
//! Checked by run.sh: lines received + drops reported == N + M, none torn.
#![no_std]
#![no_main]

const OVERFLOW: emlog::Overflow = emlog::Overflow::DropOldest;

include!("../queue_isr_body.rs");
