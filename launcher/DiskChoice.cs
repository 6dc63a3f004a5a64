namespace CapOS.Launcher;

/// <summary>What <c>run</c> attaches as its disk (<see cref="RunVerb.ChooseDisk"/>), or why it refuses.</summary>
/// <param name="Path">The image to attach, or null for none.</param>
/// <param name="Message">The console line that names the disk.</param>
/// <param name="Error">Why no boot happens, or null.</param>
/// <param name="ErrorCode">The launcher's exit code when <paramref name="Error"/> is set.</param>
public sealed record DiskChoice(string? Path, string Message, string? Error, int ErrorCode)
{
    /// <summary>Attach <paramref name="path"/> (null: no disk).</summary>
    public static DiskChoice Attach(string? path, string message) => new(path, message, null, 0);

    /// <summary>Refuse to boot.</summary>
    public static DiskChoice Refuse(string error, int code) => new(null, "", error, code);
}
