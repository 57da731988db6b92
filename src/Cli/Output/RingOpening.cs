using System;
using System.IO;

namespace RingIpc.Cli.Output;

/// <summary>Opens a ring by name for inspection (no role is taken) and turns the ways that can fail into a message and
/// an exit code, never a stack trace.</summary>
internal static class RingOpening
{
    /// <summary>Opens <paramref name="name"/>, or reports why not.</summary>
    /// <returns>The ring, or <c>null</c> with <paramref name="exitCode"/> set and the error written.</returns>
    public static SharedRing? TryOpen(CliOutput output, string name, out int exitCode)
    {
        try
        {
            exitCode = ExitCodes.Success;
            return SharedRing.Open(name);
        }
        catch (Exception exception) when (Classify(exception, out int code, out string message))
        {
            exitCode = output.Fail(code, $"ring '{name}': {message}");
            return null;
        }
    }

    /// <summary>The exit code and message for an exception from opening or reading a ring; <c>false</c> for an
    /// exception that is a bug (let it surface).</summary>
    public static bool Classify(Exception exception, out int exitCode, out string message)
    {
        (exitCode, message) = exception switch
        {
            FileNotFoundException => (ExitCodes.NotFound, "not found"),
            RingFormatException format => (ExitCodes.NotARing, $"not a valid ring: {format.Message}"),
            UnauthorizedAccessException denied => (ExitCodes.AccessDenied, denied.Message),
            ArgumentException bad => (ExitCodes.Usage, bad.Message),
            IOException io => (ExitCodes.NotARing, io.Message),
            _ => (0, ""),
        };
        return exitCode != 0;
    }
}
