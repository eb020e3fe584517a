//! Browser glue, one small module per capability, compiled for the browser only; pages call
//! these and never touch web-sys themselves. gloo-net where it serves (the live stream);
//! web-sys where gloo-net cannot (the camera, upload progress, the draft in localStorage).

pub mod camera;
pub mod draft;
pub mod live;
pub mod nav;
pub mod register;
pub mod upload;
pub mod validity;
