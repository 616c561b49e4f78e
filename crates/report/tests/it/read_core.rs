//! Decoding, sniffing, label matching.
