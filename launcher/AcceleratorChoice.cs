using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>The accelerator decided, or "probe first" (Chosen null), with the reason to print.</summary>
public sealed record AcceleratorDecision(Accelerator? Chosen, string Reason)
{
    /// <summary>True when a probe boot must decide.</summary>
    public bool NeedsProbe => Chosen is null;
}

/// <summary>
/// Chooses TCG or KVM. /dev/kvm existing proves little: on nested "kvm-pvm" hosts KVM starts but
/// cannot run the kernel (TOOLCHAIN.md). So <c>auto</c> uses KVM only after a short probe boot showed the
/// banner and the ring-3 line, and caches that verdict per host. Pure, so it is unit-tested.
/// </summary>
public static class AcceleratorChoice
{
    /// <summary>Decides from the request, the device, and a cached verdict.</summary>
    public static AcceleratorDecision Decide(AcceleratorRequest request, bool kvmDevicePresent, KvmVerdict? cached,
        string host)
    {
        switch (request)
        {
            case AcceleratorRequest.Tcg:
                return new AcceleratorDecision(Accelerator.Tcg, "requested with --accel tcg");
            case AcceleratorRequest.Kvm:
                return new AcceleratorDecision(Accelerator.Kvm, "requested with --accel kvm");
        }
        if (!kvmDevicePresent)
        {
            return new AcceleratorDecision(Accelerator.Tcg, "no /dev/kvm");
        }
        if (cached is not null && cached.Host == host)
        {
            return FromVerdict(cached, "cached probe");
        }
        return new AcceleratorDecision(null, "/dev/kvm present; probing whether KVM runs the kernel");
    }

    /// <summary>The decision a (fresh or cached) probe verdict gives.</summary>
    public static AcceleratorDecision FromVerdict(KvmVerdict verdict, string source) =>
        verdict.Works
            ? new AcceleratorDecision(Accelerator.Kvm, $"{source}: KVM boots the kernel to ring 3")
            : new AcceleratorDecision(Accelerator.Tcg, $"{source}: KVM does not run the kernel ({verdict.Detail})");
}
