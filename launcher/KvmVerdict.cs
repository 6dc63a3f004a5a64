namespace CapOS.Launcher;

/// <summary>The outcome of a KVM probe boot, cached in artifacts/kvm-probe.json.</summary>
/// <param name="Works">The kernel reached its banner and ring 3 under KVM.</param>
/// <param name="Host">The host it was measured on (name and kernel release); another host probes again.</param>
/// <param name="Detail">What happened, for the message.</param>
public sealed record KvmVerdict(bool Works, string Host, string Detail);
