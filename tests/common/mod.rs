//! Shared by the native GPU tests: the GPU they run on. Without one they fail, saying why, unless
//! AE_SKIP_GPU=1 asks to skip them; a skip is printed to the terminal, never reported as a pass alone.

use ae_playground::kernels::gpu::GpuContext;

/// The adapter wgpu finds (printed). With none, a failure with the reason, or with AE_SKIP_GPU=1 a
/// skip printed to stderr (which cargo shows even for passing tests).
pub fn gpu() -> Option<GpuContext> {
    match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => {
            println!("GPU adapter: {}", ctx.adapter);
            Some(ctx)
        }
        Err(why) if std::env::var("AE_SKIP_GPU").as_deref() == Ok("1") => {
            eprintln!("SKIPPED (AE_SKIP_GPU=1): this GPU test did not run: {why}");
            None
        }
        Err(why) => panic!(
            "no GPU for the GPU tests: {why}. Install Mesa's lavapipe (npm test does: mesa-vulkan-drivers) \
             and point VK_ICD_FILENAMES at it, or set AE_SKIP_GPU=1 to skip these tests"
        ),
    }
}
