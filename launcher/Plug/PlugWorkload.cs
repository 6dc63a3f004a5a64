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

    /// <summary>The system description the image is built from.</summary>
    public static string Description(PlugWorkload workload) => workload == PlugWorkload.Kernel ? "system/mutator.sys" : "system/plug.sys";
}
