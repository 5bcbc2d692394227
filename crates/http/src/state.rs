//! What every handler shares.

use app::App;

/// The state of the API: the use cases.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The use cases, over the configured database.
    pub app: App,
}
