using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace RingIpc.Cli.Output;

/// <summary>Where a command writes: tables through Spectre.Console, JSON for scripts, errors on the error writer.</summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions OneLine = new(Indented) { WriteIndented = false };

    public CliOutput(TextWriter output, TextWriter error)
    {
        Writer = output;
        Error = error;
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            Console.Profile.Width = 200; // a pipe or a file has no width: do not wrap the tables
        }
    }

    /// <summary>The console for tables and the live view.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether the live view can refresh in place (a terminal).</summary>
    public bool Interactive => Console.Profile.Capabilities.Interactive;

    /// <summary>Plain standard output.</summary>
    public TextWriter Writer { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Writes <paramref name="value"/> as indented JSON (camelCase names).</summary>
    public void Json<T>(T value) => Writer.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>Writes <paramref name="value"/> as JSON on one line (one object per line, for streams).</summary>
    public void JsonLine<T>(T value) => Writer.WriteLine(JsonSerializer.Serialize(value, OneLine));

    /// <summary>Writes "ringipc: message" on standard error and returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"ringipc: {message}");
        return exitCode;
    }
}
