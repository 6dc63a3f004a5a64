using System;
using System.Globalization;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// blkdebug rule files (QEMU docs/devel/blkdebug.txt; TOOLCHAIN.md, "Power loss"). blkdebug has a state
/// number, 1 at start; <c>[set-state]</c> rules move it when an event happens in a given state, and an
/// <c>[inject-error]</c> rule for a state fails the request whose event happens in that state. Counting the
/// guest's writes is therefore a chain of N-1 state moves on <see cref="WriteEvent"/>, and the error rule
/// sits on state N: write N fails. With <c>once = "on"</c> the rule is then removed (a transient error: the
/// guest's retry succeeds); with <c>once = "off"</c> it stays active and every later write fails too (a
/// persistent error). <c>iotype = "write"</c> keeps reads and flushes working either way: the disk fails the
/// guest's writes, not the whole device.
/// </summary>
public static class BlkDebugConfig
{
    /// <summary>The event the raw format driver raises for each write it passes to blkdebug (blkdebug is the
    /// raw node's child). With blkdebug as the top node the event would be <c>pwritev</c>.</summary>
    public const string WriteEvent = "write_aio";

    /// <summary>EIO.</summary>
    public const int IoError = 5;

    /// <summary>Rules that fail the <paramref name="writeNumber"/>-th write (from 1) with errno
    /// <paramref name="errno"/>: only that write if <paramref name="once"/>, else it and every later write.</summary>
    public static string FailWrite(int writeNumber, bool once, int errno = IoError)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(writeNumber);
        var text = new StringBuilder();
        for (int state = 1; state < writeNumber; state++)
        {
            text.Append("[set-state]\n")
                .Append(CultureInfo.InvariantCulture, $"event = \"{WriteEvent}\"\n")
                .Append(CultureInfo.InvariantCulture, $"state = \"{state}\"\n")
                .Append(CultureInfo.InvariantCulture, $"new_state = \"{state + 1}\"\n\n");
        }
        text.Append("[inject-error]\n")
            .Append(CultureInfo.InvariantCulture, $"event = \"{WriteEvent}\"\n")
            .Append(CultureInfo.InvariantCulture, $"state = \"{writeNumber}\"\n")
            .Append(CultureInfo.InvariantCulture, $"errno = \"{errno}\"\n")
            .Append("iotype = \"write\"\n")
            .Append(CultureInfo.InvariantCulture, $"once = \"{(once ? "on" : "off")}\"\n");
        return text.ToString();
    }
}
