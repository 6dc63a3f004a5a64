namespace CapOS.ImageGen;

/// <summary>imagegen's exit codes (docs/imagegen.md "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Done; for check: no fault.</summary>
    public const int Ok = 0;

    /// <summary>check found a fault; dump or digest could not read the image.</summary>
    public const int Faults = 1;

    /// <summary>Bad arguments, an error in the description, or an I/O error; nothing was written.</summary>
    public const int Usage = 2;
}
