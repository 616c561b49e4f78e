//! Compare (比对) two reports of one agency.
