namespace CapOS.Kernel.Process;

/// <summary>
/// Fault codes (root slot 8 word1; EROS FC_*): why a process is parked. Zero means no fault. Values are on
/// disk: never renumber. A process with a fault does not run until the fault is cleared (by its keeper,
/// when keepers arrive; docs/process.md).
/// </summary>
public static class FaultCode
{
    /// <summary>No fault.</summary>
    public const uint None = 0;

    /// <summary>An address its address space does not map (void or malformed slot, beyond the segment).</summary>
    public const uint InvalidAddress = 1;

    /// <summary>A write under a read-only key.</summary>
    public const uint AccessViolation = 2;

    /// <summary>A processor exception other than a page fault (#GP, #UD, #DE, ...); fault info = vector.</summary>
    public const uint Exception = 3;

    /// <summary>Its nodes are not a process: a slot of the wrong type (named on the console).</summary>
    public const uint Malformed = 4;

    /// <summary>It asked to stop (the process key's halt order).</summary>
    public const uint Halted = 5;

    /// <summary>An object its address space needs could not be brought in (a read error, a damaged image, no page tables).</summary>
    public const uint ObjectUnavailable = 6;

    /// <summary>A short name for console lines.</summary>
    public static string Name(uint code) => code switch
    {
        None => "none",
        InvalidAddress => "invalid address",
        AccessViolation => "access violation",
        Exception => "exception",
        Malformed => "malformed process",
        Halted => "halted",
        ObjectUnavailable => "object unavailable",
        _ => "unknown fault",
    };
}
