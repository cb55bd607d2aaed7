//! `named_enum!`: an enum whose variants each have one name, written once, from which come
//! `as_str`, `Display` and serde's `Serialize` (the names a user sees in messages and JSON
//! cannot drift apart).

/// Declares a fieldless enum with a name for each variant: `Variant = "name"`.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $text:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant
            ),*
        }

        impl $name {
            /// Every variant, in declaration order.
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The variant's name, as messages and JSON spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use crate::policy::{Fallback, RuntimeChoice, ZoneMode};
    use crate::{Backend, CommandClass, LimitKind, Route};

    /// JSON, `Display` and `as_str` say the same name for every variant, and no two variants
    /// of an enum share one.
    fn agree<T: serde::Serialize + std::fmt::Display + Copy>(
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) {
        let mut seen = std::collections::HashSet::new();
        for &variant in all {
            let json = serde_json::to_string(&variant).unwrap();
            assert_eq!(json, format!("\"{}\"", name(variant)));
            assert_eq!(variant.to_string(), name(variant));
            assert!(seen.insert(name(variant)), "{} twice", name(variant));
        }
    }

    #[test]
    fn names_agree_everywhere() {
        agree(LimitKind::ALL, LimitKind::as_str);
        agree(Route::ALL, Route::as_str);
        agree(CommandClass::ALL, CommandClass::as_str);
        agree(Backend::ALL, Backend::as_str);
        agree(ZoneMode::ALL, ZoneMode::as_str);
        agree(Fallback::ALL, Fallback::as_str);
        agree(RuntimeChoice::ALL, RuntimeChoice::as_str);
    }
}
