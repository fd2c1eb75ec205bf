using System.Net.Sockets;
using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A bare RESP client over a socket, for tests that check replies byte for byte, send malformed
/// input, or pipeline. Every read has a deadline so a broken server fails the test instead of hanging it.
/// </summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RawClient(string host, int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(host, port);
        _socket.ReceiveTimeout = 10_000;
    }

    public void SendRaw(string text) => SendRaw(Encoding.Latin1.GetBytes(text));

    public void SendRaw(byte[] bytes) => _socket.Send(bytes);

    public static byte[] Encode(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.Latin1.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    /// <summary>A command with binary arguments.</summary>
    public static byte[] Encode(params byte[][] args)
    {
        var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var arg in args)
        {
            stream.Write(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            stream.Write(arg);
            stream.Write("\r\n"u8);
        }
        return stream.ToArray();
    }

    /// <summary>Sends a command and reads its reply.</summary>
    public RespValue Call(params string[] args)
    {
        SendRaw(Encode(args));
        return Read();
    }

    /// <summary>Sends a command and returns its reply rendered as text (see <see cref="RespValue.ToString"/>).</summary>
    public string CallText(params string[] args) => Call(args).ToString();

    public RespValue Read()
    {
        while (true)
        {
            if (_end > _start && RespReader.TryRead(_buffer.AsSpan(_start, _end - _start), out var value, out int consumed))
            {
                _start += consumed;
                return value!;
            }
            Fill();
        }
    }

    /// <summary>Reads the next reply and returns its exact bytes.</summary>
    public string ReadRawReply()
    {
        while (true)
        {
            if (_end > _start && RespReader.TryRead(_buffer.AsSpan(_start, _end - _start), out _, out int consumed))
            {
                string s = Encoding.Latin1.GetString(_buffer, _start, consumed);
                _start += consumed;
                return s;
            }
            Fill();
        }
    }

    /// <summary>Reads exactly the bytes of the next reply(ies) until <paramref name="count"/> bytes arrived.</summary>
    public string ReadRaw(int count)
    {
        while (_end - _start < count) Fill();
        string s = Encoding.Latin1.GetString(_buffer, _start, count);
        _start += count;
        return s;
    }

    /// <summary>Half-closes: the server sees the end of the stream, and may still answer.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public string ReadToEnd()
    {
        while (true)
        {
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (n == 0) break;
            _end += n;
        }
        string s = Encoding.Latin1.GetString(_buffer, _start, _end - _start);
        _start = _end;
        return s;
    }

    /// <summary>True when the server closed the connection (reads end-of-stream within the deadline).</summary>
    public bool IsClosedByServer()
    {
        try
        {
            while (true)
            {
                if (_end == _buffer.Length) _start = _end = 0;
                int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
                if (n == 0) return true;
                _end += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Fill()
    {
        if (_start > 0 && _start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (n == 0) throw new IOException("connection closed by server");
        _end += n;
    }

    public void Dispose() => _socket.Dispose();
}
