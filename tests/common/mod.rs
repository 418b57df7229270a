//! Shared by the native GPU tests: the GPU they run on, or a printed reason why there is none.

use ae_playground::gpu::GpuContext;

/// The adapter wgpu finds (printed), or None with the reason printed: a skip, which becomes a failure
/// with AE_REQUIRE_GPU=1 (`npm test` sets it).
pub fn gpu() -> Option<GpuContext> {
    match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => {
            println!("GPU adapter: {}", ctx.adapter);
            Some(ctx)
        }
        Err(why) if std::env::var("AE_REQUIRE_GPU").as_deref() != Ok("1") => {
            println!("SKIPPED: {why} (set AE_REQUIRE_GPU=1 to make this a failure)");
            None
        }
        Err(why) => panic!("no GPU for the GPU tests: {why}"),
    }
}
