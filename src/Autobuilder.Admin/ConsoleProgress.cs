using Spectre.Console;

namespace Autobuilder.Admin;

/// <summary>
/// Progress for long console operations (a spinner with what is going on, a bar for bytes), drawn
/// only for a person at a terminal: with --json, or when stdout or stderr is not a terminal (a
/// pipe, a file, a test), nothing is drawn and the output is what it always was, so scripts can
/// parse it. <c>TERM=dumb</c> draws nothing either (Spectre finds no interactive terminal).
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Whether progress may be drawn: a terminal on both outputs, interactive, and no --json.</summary>
    public static bool Shown(bool json) =>
        !json && !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    /// <summary>Runs <paramref name="work"/> under a spinner showing <paramref name="doing"/>; the status it is handed (null when nothing is drawn) may change the text.</summary>
    public static async Task<T> StatusAsync<T>(bool json, string doing, Func<IProgressText?, Task<T>> work)
    {
        if (!Shown(json))
            return await work(null);
        return await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(doing),
            context => work(new StatusText(context)));
    }

    /// <summary>The synchronous <see cref="StatusAsync{T}"/>.</summary>
    public static T Status<T>(bool json, string doing, Func<IProgressText?, T> work)
    {
        if (!Shown(json))
            return work(null);
        return AnsiConsole.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(doing), context => work(new StatusText(context)));
    }

    /// <summary>Runs <paramref name="work"/> under a bar of <paramref name="totalBytes"/>; it reports bytes done through the callback it is handed (null when nothing is drawn).</summary>
    public static void Bytes(bool json, string doing, long totalBytes, Action<Action<long>?> work)
    {
        if (!Shown(json))
        {
            work(null);
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(doing), maxValue: Math.Max(1, totalBytes));
                work(done => task.Increment(done));
            });
    }

    /// <summary>Writes log text above a running spinner (through Spectre, which redraws the spinner below it).</summary>
    public static void WriteAbove(string text) => AnsiConsole.Write(new Text(text));

    private sealed class StatusText(StatusContext context) : IProgressText
    {
        public void Set(string text) => context.Status(Markup.Escape(text));
    }
}

/// <summary>The line a running spinner shows.</summary>
public interface IProgressText
{
    void Set(string text);
}
