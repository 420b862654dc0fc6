package org.dqnsweep.jobs.sweep;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.util.Torch;

/**
 * Where a Spark task trains: on the GPU whose address Spark assigned the task ({@code spark.task.resource.gpu.amount};
 * fractional amounts share one GPU between tasks), else on CPU, with the reason recorded; and with
 * {@code spark.task.cpus} PyTorch intra-op threads.
 *
 * @param gpuAddress the address Spark assigned, empty if none
 * @param note why this device, for the trials table and the logs
 */
record TaskDevice(Device device, String gpuAddress, String note, int threads) {

  static TaskDevice select(TaskContext task) {
    int threads = task == null ? 1 : Math.max(1, task.cpus());
    Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return new TaskDevice(Torch.select(DeviceSetting.CPU, threads), "", "no GPU scheduled for this task", threads);
    }
    String address = gpu.addresses()[0];
    Torch.offline();
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    int index;
    try {
      index = Integer.parseInt(address);
    } catch (NumberFormatException e) {
      return new TaskDevice(Torch.select(DeviceSetting.CPU, threads), address,
          "GPU address '" + address + "' is not a CUDA device index; trained on CPU", threads);
    }
    if (index >= visible) {
      return new TaskDevice(Torch.select(DeviceSetting.CPU, threads), address, "Spark assigned GPU " + address
          + " but PyTorch sees " + visible + " CUDA device(s) (libtorch " + Engine.getEngine("PyTorch").getVersion()
          + "); trained on CPU. On GPU nodes point PYTORCH_LIBRARY_PATH at a CUDA libtorch", threads);
    }
    return new TaskDevice(Torch.select(DeviceSetting.gpu(index), threads), address, "GPU " + address
        + " from Spark", threads);
  }
}
