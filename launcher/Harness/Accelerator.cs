namespace CapOS.Harness;

/// <summary>How QEMU executes guest instructions.</summary>
public enum Accelerator
{
    /// <summary>QEMU's own binary translator: slower than a working KVM, but runs everywhere.</summary>
    Tcg,

    /// <summary>Hardware virtualization through /dev/kvm (<c>-enable-kvm -cpu host,-arch-capabilities</c>).</summary>
    Kvm,
}
