//! The statutory clock (答复期限): an application's timeline of dated events in, its state, due
//! dates, working days used and left, missed deadlines and a step-by-step Chinese explanation out.
//!
//! - [`Timeline`] is built through a fallible constructor ([`Timeline::new`],
//!   [`Timeline::from_json`]) that rejects impossible timelines with a message naming the event
//!   and the rule;
//! - [`evaluate`] computes the [`DeadlineReport`] without an explanation (the fast path);
//!   [`explain`] runs the same code with a recording sink and fills `explanation`.
//!
//! Counting conventions (see docs/CLOCK.md):
//! - day 1 is the first working day after the start day ([`Settings::start_day_counts`], [M]);
//! - a pause (consultation; the fee wait when [`Settings::fee_wait_pauses_clock`]) from day `s` to
//!   day `e` excludes the working days in `(s, e]`: the day it starts still counts, the day it ends
//!   does not, and counting resumes the next working day;
//! - a consultation pauses the clock for at most 15 working days after it starts (Arts. 32, 34:
//!   silence after that lets the agency decide);
//! - 补正 restarts the 20 working days from the receipt of the corrected application (Art. 30);
//! - a deadline that has passed stays passed: a decision after the deadline running at that moment
//!   does not reopen it; events the rules do not allow (yet) are refused with the rule.
//!
//! [`Settings::start_day_counts`]: crate::settings::Settings::start_day_counts
//! [`Settings::fee_wait_pauses_clock`]: crate::settings::Settings::fee_wait_pauses_clock

mod engine;
mod error;
mod report;
mod timeline;

pub use engine::{evaluate, explain};
pub use report::{DeadlineReport, DueDates, Missed, MissedDeadline, State};
pub use error::{EvaluateError, EventRef, TimelineError};
pub use timeline::{
    Channel, ConsultedParty, Delivery, Event, EventKind, Receipt, Timeline, EVENT_TYPES, FEE_RULES_IN_FORCE,
    REGULATION_IN_FORCE,
};
