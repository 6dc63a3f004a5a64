using System;
using System.Collections.Generic;
using System.Text;

namespace CapOS.TestSupport;

/// <summary>
/// A line diff for failure messages: the longest common subsequence of lines, printed as "-" (expected
/// only) and "+" (actual only) lines with a little context, and truncated so a message stays readable.
/// </summary>
public static class TextDiff
{
    private const int ContextLines = 2;
    private const int MaxShownLines = 60;
    private const int MaxCells = 4_000_000;

    /// <summary>A summary: line counts, then the differing lines with context.</summary>
    public static string Summarize(string expected, string actual)
    {
        string[] a = SplitLines(expected);
        string[] b = SplitLines(actual);
        var text = new StringBuilder($"expected {a.Length} lines, actual {b.Length} lines\n");
        if ((long)a.Length * b.Length > MaxCells)
        {
            int first = FirstDifference(a, b);
            return text.Append($"(too large to diff) first difference at line {first + 1}:\n")
                .Append("- ").Append(first < a.Length ? a[first] : "<end>").Append('\n')
                .Append("+ ").Append(first < b.Length ? b[first] : "<end>").Append('\n').ToString();
        }
        List<(char Mark, string Line)> script = Script(a, b);
        AppendWithContext(text, script);
        return text.ToString();
    }

    private static string[] SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }
        string[] lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private static int FirstDifference(string[] a, string[] b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }
        return i;
    }

    /// <summary>The edit script: ' ' common, '-' only in a, '+' only in b, in order.</summary>
    private static List<(char, string)> Script(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var script = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                script.Add((' ', a[x++]));
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                script.Add(('-', a[x++]));
            }
            else
            {
                script.Add(('+', b[y++]));
            }
        }
        return script;
    }

    private static void AppendWithContext(StringBuilder text, List<(char Mark, string Line)> script)
    {
        var shown = new bool[script.Count];
        for (int i = 0; i < script.Count; i++)
        {
            if (script[i].Mark != ' ')
            {
                for (int k = Math.Max(0, i - ContextLines); k <= Math.Min(script.Count - 1, i + ContextLines); k++)
                {
                    shown[k] = true;
                }
            }
        }
        int printed = 0;
        bool gap = false;
        for (int i = 0; i < script.Count; i++)
        {
            if (!shown[i])
            {
                gap = true;
                continue;
            }
            if (printed == MaxShownLines)
            {
                text.Append("... (more differences)\n");
                return;
            }
            if (gap && printed > 0)
            {
                text.Append("...\n");
            }
            gap = false;
            text.Append(script[i].Mark).Append(' ').Append(script[i].Line).Append('\n');
            printed++;
        }
    }
}
