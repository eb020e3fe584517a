//! The phone side of a meter photo: a live rear-camera viewfinder, and downscaling and
//! re-encoding the photo before upload (long edge 1600 px, JPEG); the upload itself is in
//! `browser::upload`. Browser only; the page works without it as a plain form.

use js_sys::{Function, Promise};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, FormData, HtmlCanvasElement, HtmlFormElement, HtmlVideoElement,
    MediaStream, MediaStreamConstraints, MediaStreamTrack,
};

/// The long edge of the photo sent, in pixels, and its JPEG quality.
pub const LONG_EDGE: f64 = 1600.0;
const QUALITY: f64 = 0.85;

thread_local! {
    /// The photo ready to send (from the viewfinder or a picked file, already downscaled).
    static PHOTO: RefCell<Option<Blob>> = const { RefCell::new(None) };
    /// The open camera, so that it can be stopped when the page is left.
    static STREAM: RefCell<Option<MediaStream>> = const { RefCell::new(None) };
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// Opens the rear camera into the video element. Fails where the browser has no camera or
/// the person refused it; the page then offers the phone's camera through the file input.
pub async fn open_camera(video: &HtmlVideoElement) -> Result<(), JsValue> {
    let devices = window().navigator().media_devices()?;
    let constraints = MediaStreamConstraints::new();
    let video_constraints = js_sys::Object::new();
    let facing = js_sys::Object::new();
    js_sys::Reflect::set(&facing, &"ideal".into(), &"environment".into())?;
    js_sys::Reflect::set(&video_constraints, &"facingMode".into(), &facing)?;
    let width = js_sys::Object::new();
    js_sys::Reflect::set(&width, &"ideal".into(), &1920.into())?;
    js_sys::Reflect::set(&video_constraints, &"width".into(), &width)?;
    constraints.set_video(&video_constraints);
    constraints.set_audio(&JsValue::FALSE);
    let stream: MediaStream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?)
        .await?
        .dyn_into()?;
    video.set_src_object(Some(&stream));
    video.set_muted(true);
    let _ = video.play();
    STREAM.with(|s| *s.borrow_mut() = Some(stream));
    Ok(())
}

/// Stops every track of the open camera (its light goes off).
pub fn stop_camera() {
    STREAM.with(|s| {
        if let Some(stream) = s.borrow_mut().take() {
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
    });
}

/// Takes the current frame of the viewfinder as the photo, then closes the camera.
/// Returns the photo's size in bytes.
pub async fn shoot(video: &HtmlVideoElement) -> Result<f64, JsValue> {
    let (w, h) = (f64::from(video.video_width()), f64::from(video.video_height()));
    if w == 0.0 || h == 0.0 {
        return Err("the camera has no picture yet".into());
    }
    let blob = encode(
        |ctx, tw, th| ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, tw, th),
        w,
        h,
    )
    .await?;
    stop_camera();
    let size = blob.size();
    PHOTO.with(|p| *p.borrow_mut() = Some(blob));
    Ok(size)
}

/// Downscales and re-encodes a picked file as the photo. Returns the photo's size in bytes.
pub async fn take_file(file: &Blob) -> Result<f64, JsValue> {
    // createImageBitmap honours the photo's orientation, decodes off the main thread, and
    // fails on anything that is not an image.
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window().create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let blob = encode(
        |ctx, tw, th| ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th),
        w,
        h,
    )
    .await;
    bitmap.close();
    let blob = blob?;
    let size = blob.size();
    PHOTO.with(|p| *p.borrow_mut() = Some(blob));
    Ok(size)
}

/// Forgets the photo (the person wants another one).
pub fn clear_photo() {
    PHOTO.with(|p| *p.borrow_mut() = None);
}

pub fn has_photo() -> bool {
    PHOTO.with(|p| p.borrow().is_some())
}

/// Draws a picture of `w` x `h` scaled to the long edge on a canvas and encodes it as JPEG.
async fn encode(
    draw: impl FnOnce(&CanvasRenderingContext2d, f64, f64) -> Result<(), JsValue>,
    w: f64,
    h: f64,
) -> Result<Blob, JsValue> {
    let scale = (LONG_EDGE / w.max(h)).min(1.0);
    let (tw, th) = ((w * scale).round(), (h * scale).round());
    let canvas: HtmlCanvasElement = window()
        .document()
        .expect("a document")
        .create_element("canvas")?
        .dyn_into()?;
    canvas.set_width(tw as u32);
    canvas.set_height(th as u32);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d canvas"))?
        .dyn_into()?;
    draw(&ctx, tw, th)?;
    let mut error = None;
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            if blob.is_null() {
                let _ = reject.call1(&JsValue::NULL, &"the photo could not be encoded".into());
            } else {
                let _ = resolve.call1(&JsValue::NULL, &blob);
            }
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            callback.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(QUALITY),
        ) {
            error = Some(e);
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    JsFuture::from(promise).await?.dyn_into()
}

/// The form's fields, with the prepared photo in place of whatever the file inputs hold.
pub fn form_data(form: &HtmlFormElement) -> Result<FormData, JsValue> {
    let data = FormData::new_with_form(form)?;
    if let Some(photo) = PHOTO.with(|p| p.borrow().clone()) {
        data.delete("photo");
        data.append_with_blob_and_filename("photo", &photo, "meter.jpg")?;
    }
    Ok(data)
}
