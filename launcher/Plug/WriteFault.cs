namespace CapOS.Launcher.Plug;

/// <summary>The I/O error a write-mode cycle hands the guest at its write N (docs/plug.md, "Modes").</summary>
public enum WriteFault
{
    /// <summary>No injected error (kill and power cycles, boots of crash states, the final boot).</summary>
    None,

    /// <summary>Write N fails once; a retry gets past it (blkdebug <c>once=on</c>).</summary>
    Transient,

    /// <summary>Write N and every later write fail (blkdebug <c>once=off</c>): the disk is gone for writes.</summary>
    Persistent,
}
