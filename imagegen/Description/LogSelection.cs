namespace CapOS.ImageGen.Description;

/// <summary>Which objects checkpoint #1 holds in the log rather than at home (`log-objects`).</summary>
internal enum LogSelectionKind
{
    /// <summary>Every object at home; the log area is empty.</summary>
    None,

    /// <summary>Every declared object in the log.</summary>
    All,

    /// <summary>The first Count objects in declaration order.</summary>
    First,
}
