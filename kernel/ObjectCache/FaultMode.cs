namespace CapOS.Kernel.ObjectCache;

/// <summary>How an object fault that needs the disk is taken (docs/object-cache.md "Asynchronous faults").</summary>
public enum FaultMode : byte
{
    /// <summary>
    /// Read now and wait for the disk: only for kernel work with no process to stall (boot, the checkpoint, the
    /// consistency check, the graph walk, the in-kernel workloads; the list is in docs/object-cache.md).
    /// </summary>
    Synchronous = 0,

    /// <summary>
    /// On behalf of a process: start the read (a frame reserved, the request submitted) and answer
    /// <see cref="CacheResult.Pending"/>; the caller abandons its operation, stalls the process on the read
    /// (Process.Stall.OnObject) and the operation is restarted from the process's saved state once the read is done.
    /// </summary>
    Asynchronous = 1,
}
