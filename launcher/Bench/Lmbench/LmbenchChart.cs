using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// The chart of <c>capos bench lmbench</c> in the manner of EROS'99 Figure 11: per test, bars of time per
/// operation normalised to Linux = 1.0 (a dashed line), CapOS beside EROS'99's bar; shorter is better. A bandwidth
/// is drawn as its inverse (time per byte). Bars taller than <see cref="Ceiling"/> are cut there and labelled with
/// their value. Rows without both sides are left out. Pure: SVG text.
/// </summary>
public static class LmbenchChart
{
    /// <summary>The largest ratio drawn at full height.</summary>
    public const double Ceiling = 4.0;

    /// <summary>Pixels per 1.0 of ratio.</summary>
    public const double Scale = 60;

    private const double Base = 300, Left = 60, GroupWidth = 90, BarWidth = 30;

    /// <summary>The SVG document.</summary>
    public static string Render(IReadOnlyList<LmbenchLine> lines, string subtitle)
    {
        List<LmbenchLine> drawn = [.. lines.Where(l => l.TimeRatio is not null)];
        double width = Left + Math.Max(1, drawn.Count) * GroupWidth + 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0}\" height=\"420\" viewBox=\"0 0 {width:0} 420\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<title>CapOS beside Linux lmbench, time per operation normalised to Linux = 1.0</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"14\">CapOS / Linux, time per operation (Linux = 1.0; shorter is better)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"36\">{SecurityElement.Escape(subtitle)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Base}\" x2=\"{width - 20:0}\" y2=\"{Base}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"linux\" x1=\"{Left}\" y1=\"{Base - Scale}\" x2=\"{width - 20:0}\" y2=\"{Base - Scale}\" stroke=\"black\" stroke-dasharray=\"6,4\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 50}\" y=\"{Base - Scale + 4}\">Linux 1.0</text>\n");
        for (int i = 0; i < drawn.Count; i++)
        {
            double x = Left + i * GroupWidth + 10;
            Bar(svg, "capos", x, drawn[i].TimeRatio!.Value, "#3465a4");
            if (drawn[i].ErosTimeRatio is double eros)
            {
                Bar(svg, "eros", x + BarWidth + 4, eros, "#aaaaaa");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{Base + 16}\">{SecurityElement.Escape(drawn[i].Spec.Id)}</text>\n");
        }
        double legend = Base + 50;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{legend}\" width=\"12\" height=\"12\" fill=\"#3465a4\"/><text x=\"{Left + 16}\" y=\"{legend + 10}\">CapOS</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + 80}\" y=\"{legend}\" width=\"12\" height=\"12\" fill=\"#aaaaaa\"/><text x=\"{Left + 96}\" y=\"{legend + 10}\">EROS'99 (SOSP Figure 11)</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Bar(StringBuilder svg, string kind, double x, double ratio, string colour)
    {
        double height = Math.Min(ratio, Ceiling) * Scale;
        svg.Append(CultureInfo.InvariantCulture,
            $"<rect class=\"{kind}\" data-ratio=\"{ratio:0.####}\" x=\"{x}\" y=\"{Base - height:0.##}\" width=\"{BarWidth}\" height=\"{height:0.##}\" fill=\"{colour}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{Base - height - 4:0.##}\">{ratio:0.00}{(ratio > Ceiling ? "^" : "")}</text>\n");
    }
}
