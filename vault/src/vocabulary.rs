//! Fixed vocabularies: body regions and pain qualities, in Sotto's own wording.
//!
//! Each value has a stable snake_case key (stored in entries, and the suffix of the UI's
//! chrome.i18n message names) and an English label. A key this build does not know, written by a
//! newer version, is kept verbatim as `Unrecognised` so it survives a round trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $(#[doc = $label] $variant,)*
            /// A key from a newer version of Sotto, kept as written.
            Unrecognised(String),
        }

        impl $name {
            /// Every known value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Stable snake_case key.
            pub fn key(&self) -> &str {
                match self {
                    $($name::$variant => $key,)*
                    $name::Unrecognised(key) => key,
                }
            }

            /// English label for display (the UI localises by key).
            pub fn label(&self) -> &str {
                match self {
                    $($name::$variant => $label,)*
                    $name::Unrecognised(key) => key,
                }
            }

            /// The value for a key; unknown keys become `Unrecognised`.
            pub fn from_key(key: &str) -> $name {
                match key {
                    $($key => $name::$variant,)*
                    other => $name::Unrecognised(other.to_string()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = String::deserialize(d)?;
                Ok($name::from_key(&key))
            }
        }
    };
}

vocabulary! {
    /// Where it hurts. Left and right are separate values; "left" is the person's own left.
    Region {
        Head = "head", "Head";
        BackOfHead = "back_of_head", "Back of the head";
        Face = "face", "Face";
        JawLeft = "jaw_left", "Left jaw";
        JawRight = "jaw_right", "Right jaw";
        NeckFront = "neck_front", "Front of the neck";
        NeckBack = "neck_back", "Back of the neck";
        ShoulderLeft = "shoulder_left", "Left shoulder";
        ShoulderRight = "shoulder_right", "Right shoulder";
        UpperArmLeft = "upper_arm_left", "Left upper arm";
        UpperArmRight = "upper_arm_right", "Right upper arm";
        ElbowLeft = "elbow_left", "Left elbow";
        ElbowRight = "elbow_right", "Right elbow";
        ForearmLeft = "forearm_left", "Left forearm";
        ForearmRight = "forearm_right", "Right forearm";
        WristLeft = "wrist_left", "Left wrist";
        WristRight = "wrist_right", "Right wrist";
        HandLeft = "hand_left", "Left hand and fingers";
        HandRight = "hand_right", "Right hand and fingers";
        Chest = "chest", "Chest";
        UpperAbdomen = "upper_abdomen", "Upper belly";
        LowerAbdomen = "lower_abdomen", "Lower belly";
        Pelvis = "pelvis", "Pelvis and groin";
        UpperBack = "upper_back", "Upper back";
        MidBack = "mid_back", "Middle of the back";
        LowerBackLeft = "lower_back_left", "Lower back, left side";
        LowerBackRight = "lower_back_right", "Lower back, right side";
        Tailbone = "tailbone", "Tailbone";
        HipLeft = "hip_left", "Left hip";
        HipRight = "hip_right", "Right hip";
        ButtockLeft = "buttock_left", "Left buttock";
        ButtockRight = "buttock_right", "Right buttock";
        ThighLeft = "thigh_left", "Left thigh";
        ThighRight = "thigh_right", "Right thigh";
        KneeLeft = "knee_left", "Left knee";
        KneeRight = "knee_right", "Right knee";
        LowerLegLeft = "lower_leg_left", "Left shin and calf";
        LowerLegRight = "lower_leg_right", "Right shin and calf";
        AnkleLeft = "ankle_left", "Left ankle";
        AnkleRight = "ankle_right", "Right ankle";
        FootLeft = "foot_left", "Left foot and toes";
        FootRight = "foot_right", "Right foot and toes";
    }
}

vocabulary! {
    /// What it feels like, in plain words.
    Quality {
        Aching = "aching", "Aching";
        Sharp = "sharp", "Sharp";
        Burning = "burning", "Burning";
        Throbbing = "throbbing", "Throbbing, pulsing";
        Stabbing = "stabbing", "Stabbing";
        Shooting = "shooting", "Shooting, travelling";
        Tingling = "tingling", "Tingling, pins and needles";
        Numbness = "numbness", "Numb";
        Stiffness = "stiffness", "Stiff";
        Cramping = "cramping", "Cramping";
        Dull = "dull", "Dull";
        Pressure = "pressure", "Pressing, squeezing";
        Tender = "tender", "Tender to touch";
        Electric = "electric", "Like an electric shock";
        Itching = "itching", "Itchy";
        Cold = "cold", "Cold";
        Heavy = "heavy", "Heavy";
        Tight = "tight", "Tight, pulling";
    }
}

/// Which body diagram a region is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Front,
    Back,
    /// Limbs and joints appear on both diagrams.
    Both,
}

impl Region {
    /// The diagram(s) this region appears on.
    pub fn view(&self) -> View {
        use Region::*;
        match self {
            BackOfHead | NeckBack | UpperBack | MidBack | LowerBackLeft | LowerBackRight | Tailbone | ButtockLeft
            | ButtockRight => View::Back,
            Head | Face | JawLeft | JawRight | NeckFront | Chest | UpperAbdomen | LowerAbdomen | Pelvis => View::Front,
            _ => View::Both,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Region::ALL {
            assert!(seen.insert(r.key().to_string()), "duplicate {}", r.key());
            assert!(r.key().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(&Region::from_key(r.key()), r);
            assert!(!r.label().is_empty());
        }
        for q in Quality::ALL {
            assert!(seen.insert(q.key().to_string()));
            assert_eq!(&Quality::from_key(q.key()), q);
        }
        assert!(Region::ALL.len() >= 40);
    }

    #[test]
    fn unknown_key_survives() {
        let q: Quality = serde_json::from_str("\"fizzing\"").unwrap();
        assert_eq!(q, Quality::Unrecognised("fizzing".into()));
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"fizzing\"");
        assert_eq!(Region::LowerBackLeft.view(), View::Back);
        assert_eq!(Region::KneeLeft.view(), View::Both);
        assert_eq!(Region::Chest.view(), View::Front);
    }
}
