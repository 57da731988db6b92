using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace RingIpc.Bench;

/// <summary>
/// The stream baselines of the round-trip section: this process writes a message (its first 8 bytes its sequence
/// number) into an anonymous pipe (the child's standard input; the echo comes back on its standard output) or a Unix
/// domain socket, the child echoes it, this process reads it back and checks it. Closing this side ends the child.
/// </summary>
internal sealed class StreamRoundTrip : IRoundTrip
{
    private readonly Process _child;
    private readonly StreamTransport.Listener? _listener;
    private readonly Stream _toChild;
    private readonly Stream _fromChild;
    private readonly byte[] _message;

    public StreamRoundTrip(StreamKind kind, int payloadBytes, TimeSpan warmup)
    {
        if (kind is not (StreamKind.AnonymousPipe or StreamKind.UnixSocket))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "the round trips run over an anonymous pipe or a Unix socket");
        }

        _message = new byte[payloadBytes];
        string seconds = warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        if (kind == StreamKind.AnonymousPipe)
        {
            _child = ChildProcess.Start(true, "stream-echo", kind.ToString(), "", $"{payloadBytes}", seconds);
            (_toChild, _fromChild) = (_child.StandardInput.BaseStream, _child.StandardOutput.BaseStream);
            return;
        }

        _listener = StreamTransport.Listen(kind);
        _child = ChildProcess.Start(false, "stream-echo", kind.ToString(), _listener.Address, $"{payloadBytes}", seconds);
        try
        {
            _toChild = _fromChild = _listener.Accept(_child, TimeSpan.FromSeconds(30));
        }
        catch
        {
            ChildProcess.KillIfRunning(_child);
            _child.Dispose();
            _listener.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int ChildId => _child.Id;

    /// <inheritdoc />
    public void Trip(long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_message, sequence);
        _toChild.Write(_message, 0, _message.Length);
        _toChild.Flush();
        ReadExactly(_fromChild, _message);
        if (BinaryPrimitives.ReadInt64LittleEndian(_message) != sequence)
        {
            throw new InvalidOperationException($"the echo of message {sequence} came back wrong");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _toChild.Dispose();
        _listener?.Dispose();
        bool exited = _child.WaitForExit(60_000);
        int exitCode = exited ? _child.ExitCode : -1;
        if (!exited)
        {
            _child.Kill();
        }

        _child.Dispose();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"the stream echo process failed (exit {exitCode})");
        }
    }

    /// <summary>The child: echoes messages of <paramref name="payloadBytes"/> until its input ends.</summary>
    public static int Echo(StreamKind kind, string address, int payloadBytes, TimeSpan warmup)
    {
        Stream input;
        Stream output;
        if (kind == StreamKind.AnonymousPipe)
        {
            (input, output) = (Console.OpenStandardInput(), Console.OpenStandardOutput());
        }
        else
        {
            input = output = StreamTransport.Open(kind, address);
        }

        using (input)
        using (output)
        {
            byte[] message = new byte[payloadBytes];
            var clock = new RoundTrips.EchoClock(warmup);
            while (TryReadExactly(input, message))
            {
                output.Write(message, 0, message.Length);
                output.Flush();
                clock.Tick();
            }
        }

        return 0;
    }

    private static void ReadExactly(Stream stream, byte[] buffer)
    {
        if (!TryReadExactly(stream, buffer))
        {
            throw new EndOfStreamException("the echo process closed its end");
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false at a clean end of stream before its first byte.</summary>
    private static bool TryReadExactly(Stream stream, byte[] buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                return filled == 0 ? false : throw new EndOfStreamException("the stream ended inside a message");
            }

            filled += read;
        }

        return true;
    }
}
