pub mod error_box;
pub mod lang_switcher;
pub mod layout;
pub mod mahalla_select;
