namespace CapOS.Launcher.Bench;

/// <summary>
/// What one benchmark boot yielded: a value, or why not. Invariant B2: exactly one of <see cref="Value"/>,
/// <see cref="Failure"/> and <see cref="Unavailable"/> is set (the factories are the only way to make one).
/// A failure (a failure line, a failed self-test, QEMU ending wrongly) makes the verb exit non-zero; an
/// unavailable measure (the kernel does not print its lines yet) does not.
/// </summary>
/// <typeparam name="T">The phase's figures for one run.</typeparam>
public sealed record BootReading<T>
    where T : class
{
    private BootReading(T? value, string? failure, string? unavailable)
    {
        Value = value;
        Failure = failure;
        Unavailable = unavailable;
    }

    /// <summary>The figures, when measured.</summary>
    public T? Value { get; }

    /// <summary>Why the boot failed, or null.</summary>
    public string? Failure { get; }

    /// <summary>Why the measure is not available, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>The boot's serial log and QEMU report, kept when it failed (set by the runner).</summary>
    public string? Evidence { get; init; }

    /// <summary>A measured boot.</summary>
    public static BootReading<T> Measured(T value) => new(value, null, null);

    /// <summary>A failed boot.</summary>
    public static BootReading<T> Failed(string why) => new(null, why, null);

    /// <summary>A boot that could not measure this.</summary>
    public static BootReading<T> NotAvailable(string why) => new(null, null, why);
}
