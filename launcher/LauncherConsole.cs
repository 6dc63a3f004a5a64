using System;
using Spectre.Console;

namespace CapOS.Launcher;

/// <summary>The launcher's own messages go to stderr (stdout carries the guest's serial console).</summary>
public static class LauncherConsole
{
    private static readonly IAnsiConsole Error = CreateError();

    /// <summary>A progress note.</summary>
    public static void Info(string text) => Error.MarkupLine($"[grey]capos:[/] {Markup.Escape(text)}");

    /// <summary>Something the user should act on.</summary>
    public static void Hint(string text) => Error.MarkupLine($"[grey]capos:[/] [cyan]{Markup.Escape(text)}[/]");

    /// <summary>A good ending.</summary>
    public static void Success(string text) => Error.MarkupLine($"[grey]capos:[/] [green]{Markup.Escape(text)}[/]");

    /// <summary>A failure.</summary>
    public static void Failure(string text) => Error.MarkupLine($"[grey]capos:[/] [red]{Markup.Escape(text)}[/]");

    private static IAnsiConsole CreateError()
    {
        bool redirected = Console.IsErrorRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        // Messages carry paths and QEMU's output: never wrap them at a guessed width.
        console.Profile.Width = 4096;
        return console;
    }
}
