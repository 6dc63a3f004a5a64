using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>Boots the store on a simulated machine and disk for host tests (recovery, cache, digest).</summary>
internal static class TestStore
{
    /// <summary>Physical address of the memory handed to the store (not 0: nothing at 0 is referenced).</summary>
    public const ulong MemoryAt = 0x100000;

    /// <summary>Bytes handed to the store.</summary>
    public const ulong MemoryBytes = 8UL * 1024 * 1024;

    public static SimulatedMachine Machine() => new(32UL * 1024 * 1024);

    /// <summary>Attaches <paramref name="image"/> as the disk and runs Store.Recover with the given cache size.</summary>
    public static RecoveryResult Recover(byte[] image, uint pageFrames = 32, uint nodeFrames = 32)
    {
        _ = new SimulatedDisk(image);
        return Store.Recover(MemoryAt, MemoryBytes, pageFrames, nodeFrames);
    }
}
