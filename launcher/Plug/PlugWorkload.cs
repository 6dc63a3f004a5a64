using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>What runs on the campaign's disk while the plug is pulled (docs/plug.md "Workloads").</summary>
public enum PlugWorkload
{
    /// <summary>Ring-3 processes of userspace/PlugWorkload on plug.img (system/plug.sys): the default.</summary>
    User,

    /// <summary>The in-kernel mutator on mutator.img (system/mutator.sys, kernel option <c>mutator</c>).</summary>
    Kernel,
}

/// <summary>The image and the judging of each workload.</summary>
public static class PlugWorkloads
{
    /// <summary>The pristine image a workload's campaign copies unless <c>--image</c> names another.</summary>
    public static string ImageName(PlugWorkload workload) => workload == PlugWorkload.Kernel ? "mutator.img" : "plug.img";

    /// <summary>
    /// The machine a cycle boots: the production kernel for the ring-3 workload, the test kernel for the in-kernel
    /// mutator (the production kernel has no <c>mutator</c> option; docs/boot.md "Options").
    /// </summary>
    public static QemuOptions Boot(RepositoryLayout layout, string commandLine, PlugWorkload workload) =>
        workload == PlugWorkload.Kernel
            ? CapOSBoot.TestKernel(layout, commandLine, Accelerator.Tcg)
            : CapOSBoot.Kernel(layout, commandLine, Accelerator.Tcg);

    /// <summary>The system description the image is built from.</summary>
    public static string Description(PlugWorkload workload) => workload == PlugWorkload.Kernel ? "system/mutator.sys" : "system/plug.sys";
}
