namespace CapOS.TestSupport;

/// <summary>Placeholder until the snapshot helper lands.</summary>
public static class Snapshot;
