namespace CapOS.ImageGen.Image;

/// <summary>One result of `imagegen check`: a fault (the image is damaged or inconsistent) or a warning.</summary>
internal readonly record struct Finding(FindingKind Kind, string Text)
{
    public override string ToString() => Kind switch
    {
        FindingKind.Fault => $"fault: {Text}",
        FindingKind.Warning => $"warning: {Text}",
        _ => $"note: {Text}",
    };
}

/// <summary>How serious a finding is: only faults make check exit 1.</summary>
internal enum FindingKind
{
    /// <summary>Information (a blank checkpoint slot).</summary>
    Note,

    /// <summary>Legitimate but noteworthy (a stale key: void, as after a rescind).</summary>
    Warning,

    /// <summary>Damage or inconsistency: recovery would refuse or use wrong data.</summary>
    Fault,
}
