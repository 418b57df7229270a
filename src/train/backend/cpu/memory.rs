//! The reference backend's memory: its buffers, each a vector of the backend's float type in a cell,
//! and running the recorded closures over them in order.

use super::{CpuBackend, CpuBuffer, CpuLaunch};
use crate::error::Result;
use crate::real::Real;
use crate::train::backend::{Memory, Program, StepValues};
use std::cell::RefCell;

impl<T: Real> Memory for CpuBackend<T> {
    type Buffer = CpuBuffer;
    type Launch = CpuLaunch<T>;

    fn check_fits(&self, label: &'static str, len: usize) -> Result<()> {
        if len > isize::MAX as usize / std::mem::size_of::<T>() {
            return Err(crate::error::Error::new(format!("{label} needs {len} values, more than memory holds")));
        }
        Ok(())
    }

    fn zeros(&self, _label: &'static str, len: usize) -> Result<CpuBuffer> {
        let mut memory = self.memory.borrow_mut();
        memory.push(RefCell::new(vec![T::zero(); len]));
        Ok(CpuBuffer(memory.len() - 1))
    }

    fn upload(&self, label: &'static str, values: &[f32]) -> Result<CpuBuffer> {
        let buffer = self.zeros(label, values.len())?;
        self.write(&buffer, values);
        Ok(buffer)
    }

    fn write(&self, buffer: &CpuBuffer, values: &[f32]) {
        let memory = self.memory.borrow();
        let mut target = memory[buffer.0].borrow_mut();
        target.iter_mut().zip(values).for_each(|(t, &v)| *t = T::of(v as f64));
    }

    fn read(
        &self,
        buffer: &CpuBuffer,
        len: usize,
    ) -> impl std::future::Future<Output = Result<Vec<f32>>> + 'static + use<T> {
        let values = self.memory.borrow()[buffer.0].borrow()[..len].iter().map(|v| v.to_f32().unwrap()).collect();
        std::future::ready(Ok(values))
    }

    fn free(&self, buffer: &CpuBuffer) {
        *self.memory.borrow()[buffer.0].borrow_mut() = Vec::new();
    }

    fn run(&self, zero: &CpuBuffer, programs: &[&Program<Self>], step: StepValues) -> Result<()> {
        let memory = self.memory.borrow();
        memory[zero.0].borrow_mut().fill(T::zero());
        for launch in programs.iter().flat_map(|p| p.iter()) {
            launch(&memory, step);
        }
        Ok(())
    }
}
