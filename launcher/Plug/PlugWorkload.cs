using System.Collections.Generic;
using System.Linq;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>What runs on the campaign's disk while the plug is pulled (docs/plug.md "Workloads").</summary>
public enum PlugWorkload
{
    /// <summary>Ring-3 processes of userspace/PlugWorkload on plug.img (system/plug.sys): the default.</summary>
    User,

    /// <summary>The in-kernel mutator on mutator.img (system/mutator.sys, kernel option <c>mutator</c>).</summary>
    Kernel,

    /// <summary>The space bank, the pipe and their ring-3 clients (userspace/ServicesWorkload) on services.img
    /// (system/services.sys): the user workload's judge and the services' own checks.</summary>
    Services,
}

/// <summary>The image and the judging of each workload.</summary>
public static class PlugWorkloads
{
    /// <summary>The pristine image a workload's campaign copies unless <c>--image</c> names another.</summary>
    public static string ImageName(PlugWorkload workload) => workload switch
    {
        PlugWorkload.Kernel => "mutator.img",
        PlugWorkload.Services => "services.img",
        _ => "plug.img",
    };

    /// <summary>
    /// The machine a cycle boots: the production kernel for the ring-3 workload, the test kernel for the in-kernel
    /// mutator (the production kernel has no <c>mutator</c> option; docs/boot.md "Options").
    /// </summary>
    public static QemuOptions Boot(RepositoryLayout layout, string commandLine, PlugWorkload workload) =>
        workload == PlugWorkload.Kernel
            ? CapOSBoot.TestKernel(layout, commandLine, Accelerator.Tcg)
            : CapOSBoot.Kernel(layout, commandLine, Accelerator.Tcg);

    /// <summary>The system description the image is built from.</summary>
    public static string Description(PlugWorkload workload) => $"system/{System.IO.Path.GetFileNameWithoutExtension(ImageName(workload))}.sys";

    /// <summary>
    /// How many entries at the head of the image's restart list are servers: the space bank, the pipe, the process
    /// creator, the constructor and the virtual copy keeper of services.sys, declared first (imagegen keeps declaration order; ServicesWorkloadJudgeTests reads
    /// services.sys to hold it there). They are no workload roots: they print no steps, and a server waiting for a
    /// message (Available) is not on a later checkpoint's restart list, so no boot need resume it; it runs when
    /// called.
    /// </summary>
    public static int Servers(PlugWorkload workload) => workload == PlugWorkload.Services ? 5 : 0;

    /// <summary>The ring-3 judge's expectation for a workload's campaign, or null for the in-kernel mutator.</summary>
    public static UserExpectation? Expectation(PlugWorkload workload, IReadOnlyList<ulong> roots, ContentsRecord<WorkloadSteps> steps,
        DigestBook digests) =>
        workload == PlugWorkload.Kernel ? null
            : new UserExpectation([.. roots.Skip(Servers(workload))], steps, digests, Audits: workload == PlugWorkload.Services);
}
