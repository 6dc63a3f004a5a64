namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the sleep key (EROS sleep key; docs/invocation.md "Sleep key"). Times are persistent monotonic
/// milliseconds: they keep counting across checkpoints and restarts (time while the machine is off excepted).
/// </summary>
public static class SleepOrder
{
    /// <summary>W0 = milliseconds: returns (Ok, W0 = the time now) once they have passed. Becomes <see cref="SleepUntil"/> while it waits.</summary>
    public const uint Sleep = 1;

    /// <summary>W0 = a persistent time: returns (Ok, W0 = the time now) once it has come; at once when it is past.</summary>
    public const uint SleepUntil = 2;

    /// <summary>Reply W0 = persistent monotonic time now, in milliseconds.</summary>
    public const uint Now = 3;
}
