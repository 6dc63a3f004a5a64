namespace CapOS.Launcher;

/// <summary>The <c>--accel</c> option.</summary>
public enum AcceleratorRequest
{
    /// <summary>KVM if the probe boot proved it works on this host, else TCG.</summary>
    Auto,

    /// <summary>TCG, no questions asked.</summary>
    Tcg,

    /// <summary>KVM, no questions asked (QEMU fails if it cannot).</summary>
    Kvm,
}
