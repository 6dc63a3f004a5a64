using System;
using System.Globalization;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// blkdebug rule files (QEMU docs/devel/blkdebug.txt; TOOLCHAIN.md, "Power loss"). blkdebug has a state
/// number, 1 at start; <c>[set-state]</c> rules move it when an event happens in a given state, and an
/// <c>[inject-error]</c> rule for a state fails the request whose event happens in that state. Counting the
/// guest's writes is therefore a chain of N-1 state moves on <see cref="WriteEvent"/>, and the error rule
/// sits on state N: write N fails (and, without <c>once</c>, every later one, which only matters until the
/// device's <c>werror=stop</c> has stopped the machine).
/// </summary>
public static class BlkDebugConfig
{
    /// <summary>The event the raw format driver raises for each write it passes to blkdebug (blkdebug is the
    /// raw node's child). With blkdebug as the top node the event would be <c>pwritev</c>.</summary>
    public const string WriteEvent = "write_aio";

    /// <summary>EIO.</summary>
    public const int IoError = 5;

    /// <summary>Rules that fail the <paramref name="writeNumber"/>-th write (from 1) with errno
    /// <paramref name="errno"/>.</summary>
    public static string FailWrite(int writeNumber, int errno = IoError)
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
            .Append(CultureInfo.InvariantCulture, $"errno = \"{errno}\"\n");
        return text.ToString();
    }
}
