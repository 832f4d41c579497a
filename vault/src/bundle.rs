#[derive(Debug, PartialEq, Eq)]
pub enum BundleError { X }
impl core::fmt::Display for BundleError { fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { f.write_str("x") } }
