//! One module per tool; each exposes `main(name, args) -> ToolResult`.

pub mod cat;
pub mod cp;
pub mod echo;
pub mod env;
pub mod head;
pub mod ls;
pub mod mkdir;
pub mod mv;
pub mod printf;
pub mod pwd;
pub mod rm;
pub mod rmdir;
pub mod seq;
pub mod sleep;
pub mod tail;
pub mod touch;
pub mod truth;
pub mod wc;
pub mod yes;
