//! The WebGPU engine's foundation: finding an adapter and device (natively through Vulkan, in the
//! browser through `navigator.gpu`), and reading buffers back asynchronously the same way on both.

#[cfg(target_arch = "wasm32")]
mod browser;
pub mod conv;
pub mod elementwise;
pub mod matmul;

use crate::error::{Error, Result};
use std::sync::{Arc, Mutex};

/// Storage that kernels read and write and that can be uploaded to and read back.
const STORAGE_RW: wgpu::BufferUsages =
    wgpu::BufferUsages::STORAGE.union(wgpu::BufferUsages::COPY_SRC).union(wgpu::BufferUsages::COPY_DST);

/// One device and its queue, with a human-readable description of the adapter behind them. Cheap to
/// clone (wgpu's handles are shared).
#[derive(Clone)]
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub adapter: String,
    /// A software adapter (lavapipe, SwiftShader): correct, but slower than the CPU engine.
    pub software: bool,
    /// Why the device stopped working (lost, or an uncaptured error), once it has.
    failure: Arc<Mutex<Option<String>>>,
    /// Storage buffers made on this device so far (tests check that a refusal made none).
    made: Arc<std::sync::atomic::AtomicUsize>,
}

impl GpuContext {
    /// Finds a GPU or says why there is none (the caller falls back to the CPU with that reason).
    pub async fn new() -> Result<Self> {
        #[cfg(target_arch = "wasm32")]
        let browser_adapter = browser::adapter_description().await?;
        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
        desc.backends =
            if cfg!(target_arch = "wasm32") { wgpu::Backends::BROWSER_WEBGPU } else { wgpu::Backends::VULKAN };
        let instance = wgpu::Instance::new(desc);
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::new(format!("no GPU adapter: {e}")))?;
        #[cfg(target_arch = "wasm32")]
        let adapter_name = browser_adapter;
        #[cfg(not(target_arch = "wasm32"))]
        let adapter_name = describe(&adapter.get_info());
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("ae-playground"),
                // The portable minimum, with buffers as large as the adapter allows (the default cap,
                // 128 MiB, would refuse wide layers at large batches that the GPU can hold).
                required_limits: wgpu::Limits {
                    max_storage_buffer_binding_size: adapter.limits().max_storage_buffer_binding_size,
                    max_buffer_size: adapter.limits().max_buffer_size,
                    // At least WebGPU's default, which every WebGPU and Vulkan adapter has (the
                    // downlevel defaults lower it for OpenGL ES), and up to 32 KiB where the adapter
                    // has it: the large-tile matmul stages 16 KiB, or a little more with padded rows.
                    max_compute_workgroup_storage_size: adapter
                        .limits()
                        .max_compute_workgroup_storage_size
                        .clamp(16384, 32768),
                    ..wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits())
                },
                ..Default::default()
            })
            .await
            .map_err(|e| Error::new(format!("the GPU adapter {adapter_name} refused a device: {e}")))?;
        let failure = Arc::new(Mutex::new(None));
        let lost = failure.clone();
        device.set_device_lost_callback(move |reason, message| {
            *lost.lock().unwrap() = Some(format!("the GPU device was lost ({reason:?}: {message})"));
        });
        let errored = failure.clone();
        // wgpu's default handler panics; a GPU error instead ends GPU training with its message.
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            errored.lock().unwrap().get_or_insert_with(|| format!("GPU error: {error}"));
        }));
        let software = adapter_name.contains("software");
        Ok(GpuContext { device, queue, adapter: adapter_name, software, failure, made: Default::default() })
    }

    /// Why the device stopped working, if it has.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().unwrap().clone()
    }

    /// How many storage buffers have been made on this device.
    pub fn buffers_made(&self) -> usize {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Loses the device on purpose (tests of the fallback to the CPU).
    pub fn destroy(&self) {
        self.device.destroy();
    }

    /// Refuses, with a message, a buffer of `len` f32 values larger than this device binds.
    pub fn check_fits(&self, what: &str, len: usize) -> Result<()> {
        let limits = self.device.limits();
        let most = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let bytes = len as u64 * 4;
        if bytes > most {
            return Err(Error::new(format!(
                "{what} needs a GPU buffer of {bytes} bytes ({:.1} MiB); this GPU binds at most {most} bytes: a smaller batch or narrower layers fit",
                bytes as f64 / 1048576.0,
            )));
        }
        Ok(())
    }

    /// A storage buffer holding `values` (readable, writable, copyable both ways).
    pub fn upload(&self, label: &str, values: &[f32]) -> wgpu::Buffer {
        use wgpu::util::DeviceExt;
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(values),
            usage: STORAGE_RW,
        })
    }

    /// A launch's uniform (`params`, rewritable) at binding 0 and `buffers` at bindings 1, 2, …, bound
    /// for `pipeline`: what every kernel driver binds.
    pub fn bind(
        &self,
        label: &str,
        pipeline: &wgpu::ComputePipeline,
        params: &[u8],
        buffers: &[&wgpu::Buffer],
    ) -> (wgpu::Buffer, wgpu::BindGroup) {
        use wgpu::util::DeviceExt;
        let uniform = self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: params,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        });
        let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }];
        for (i, b) in buffers.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry { binding: i as u32 + 1, resource: b.as_entire_binding() });
        }
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(label),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        });
        (uniform, bind_group)
    }

    /// A zeroed storage buffer of `len` f32 values.
    pub fn storage(&self, label: &str, len: usize) -> wgpu::Buffer {
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: (len.max(1) * 4) as u64,
            usage: STORAGE_RW,
            mapped_at_creation: false,
        })
    }

    /// Copies `len` f32 values of a GPU buffer into host memory, without blocking a browser.
    pub async fn read_f32(&self, source: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
        let size = (len * 4) as u64;
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(source, 0, &staging, 0, size);
        self.queue.submit([encoder.finish()]);
        let (sender, receiver) = futures_channel::oneshot::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let _ = sender.send(result);
        });
        // Natively nothing advances the GPU unless we poll; in the browser this is a no-op.
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::new(format!("GPU wait failed: {e}")))?;
        match receiver.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(Error::new(format!("reading GPU memory failed: {e}"))),
            Err(_) => return Err(Error::new("the GPU device was lost while reading memory")),
        }
        let values =
            bytemuck::cast_slice(&staging.get_mapped_range(..).map_err(|e| Error::new(format!("{e:?}")))?).to_vec();
        staging.unmap();
        // On the web, dropping a buffer leaves its memory to the garbage collector.
        staging.destroy();
        // A GPU error (say, out of memory) is reported asynchronously: numbers read after one are not to be trusted.
        match self.failure() {
            Some(failure) => Err(Error::new(failure)),
            None => Ok(values),
        }
    }
}

/// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, software)": name, API, and whether it is a real GPU.
#[cfg(not(target_arch = "wasm32"))]
fn describe(info: &wgpu::AdapterInfo) -> String {
    // Browsers may leave the description empty (it is a privacy-sensitive field).
    let name = [&info.name, &info.driver].into_iter().find(|s| !s.is_empty()).cloned();
    let name = name.unwrap_or_else(|| "unnamed adapter".into());
    let kind = if info.device_type == wgpu::DeviceType::Cpu { "software" } else { "hardware" };
    format!("{name} ({:?}, {kind})", info.backend)
}

/// Dispatches by kernel family (the GPU backend counts those it records: tests/gpu_dispatches.rs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dispatches {
    pub matmul: usize,
    pub elementwise: usize,
    pub conv: usize,
}

impl Dispatches {
    pub fn total(&self) -> usize {
        self.matmul + self.elementwise + self.conv
    }
}
