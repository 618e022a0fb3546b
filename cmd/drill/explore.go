package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/landslide"
	"github.com/rescuedrill/rescuedrill/internal/explore"
)

func init() {
	register(command{name: "explore",
		usage: "  drill explore MAP [--place ID | --at X,Y] [--river-level M[,M…]] [--rain MM_H] [--hours H] [--svg OUT | --png OUT | --http :8080]\n" +
			"                     flood depth and slope stability at river levels (MAP: built-in map, scenario .yaml or .asc)\n",
		run: cmdExplore})
}

func cmdExplore(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	place := fs.String("place", "", "a place id on the map")
	at := fs.String("at", "", "a map point X,Y in metres (x east, y south from the north-west corner)")
	levels := fs.String("river-level", "", "river level(s) in metres, comma-separated (default: the map's normal level + 3 m)")
	rain := fs.Float64("rain", 0, "rain in mm/h")
	hours := fs.Float64("hours", 1, "hours of flooding and rain")
	svgOut := fs.String("svg", "", "write the flood and slope maps as SVG")
	pngOut := fs.String("png", "", "write the flood and slope maps as PNG")
	addr := fs.String("http", "", "serve the explorer page on this address (e.g. :8080)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, nil
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, "usage: drill explore MAP [--place ID | --at X,Y] [--river-level M] [--rain MM_H] [--hours H] [--svg OUT | --png OUT | --http ADDR]\n")
		return 2, nil
	}
	m, err := explore.Open(pos[0])
	if err != nil {
		return 1, err
	}
	if *addr != "" {
		return serveExplorer(m, *addr, stdout)
	}
	var cells []int
	var mark *[2]float64
	spot := ""
	switch {
	case *place != "" && *at != "":
		return 2, errors.New("give --place or --at, not both")
	case *place != "":
		p, ok := m.Place(*place)
		if !ok {
			ids := make([]string, len(m.Places))
			for i, p := range m.Places {
				ids[i] = p.ID
			}
			return 1, fmt.Errorf("no place %q on %s; places: %s", *place, m.Name, strings.Join(ids, ", "))
		}
		cells, spot = m.PlaceCells(p), *place
		cx, cy := p.Centre()
		mark = &[2]float64{cx, cy}
	case *at != "":
		xs, ys, ok := strings.Cut(*at, ",")
		x, errX := strconv.ParseFloat(strings.TrimSpace(xs), 64)
		y, errY := strconv.ParseFloat(strings.TrimSpace(ys), 64)
		i, in := m.CellAt(x, y)
		if !ok || errX != nil || errY != nil || !in {
			return 2, fmt.Errorf("--at %q: give X,Y in metres inside the map (%g × %g m)", *at, m.Terrain.Elev.Width(), m.Terrain.Elev.Height())
		}
		cells, spot, mark = []int{i}, fmt.Sprintf("(%g, %g)", x, y), &[2]float64{x, y}
	}
	var lv []float64
	if *levels == "" {
		lv = []float64{m.NormalLevel + 3}
	}
	for _, s := range strings.Split(*levels, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 2, fmt.Errorf("--river-level %q: numbers in metres, comma-separated", *levels)
		}
		lv = append(lv, v)
	}
	fmt.Fprintf(stdout, "map %s: %g × %g m, %g m cells; river edges:", m.Name, m.Terrain.Elev.Width(), m.Terrain.Elev.Height(), m.Terrain.Elev.Cell)
	for _, e := range m.Edges {
		fmt.Fprintf(stdout, " %s %d–%d", e.Side, e.From, e.To)
	}
	fmt.Fprintf(stdout, "; normal level %.2f m\n", m.NormalLevel)
	fmt.Fprintf(stdout, "%-10s %-8s %-6s %-14s", "level m", "rain", "hours", "flooded m²")
	if spot != "" {
		fmt.Fprintf(stdout, " %-30s", "at "+spot+": max/mean depth, wet")
	}
	fmt.Fprintf(stdout, " %s\n", "slopes FS<1 / FS<1.15 (m²)")
	var last *explore.Result
	for _, l := range lv {
		r, err := m.Run(explore.Params{Level: l, Rain: *rain, Hours: *hours})
		if err != nil {
			return 1, err
		}
		last = r
		fmt.Fprintf(stdout, "%-10.2f %-8g %-6g %-14.0f", l, *rain, *hours, r.FloodedArea)
		if spot != "" {
			a := r.AtCells(cells)
			fmt.Fprintf(stdout, " %-30s", fmt.Sprintf("%.2f / %.2f m, %.0f%%  FS %.2f", a.MaxDepth, a.MeanDepth, 100*a.WetShare, a.MinFS))
		}
		failing, cracking := 0.0, 0.0
		area := r.Cell * r.Cell
		for _, f := range r.FS {
			if f < 1 {
				failing += area
			}
			if f < 1.15 && f < landslide.FSMax {
				cracking += area
			}
		}
		fmt.Fprintf(stdout, " %.0f / %.0f\n", failing, cracking)
	}
	fmt.Fprintln(stdout, "水深按 10 厘米以上计为淹没；安全系数 FS < 1 表示边坡失稳。Flooded means at least 10 cm of water; FS < 1 means the slope fails.")
	for _, o := range []struct {
		path  string
		write func(io.Writer, *explore.Result, *[2]float64) error
	}{{*svgOut, m.WriteSVG}, {*pngOut, m.WritePNG}} {
		if o.path == "" {
			continue
		}
		if err := writeFile(o.path, func(w io.Writer) error { return o.write(w, last, mark) }); err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "wrote %s (river at %.2f m)\n", o.path, last.Level)
	}
	return 0, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// serveExplorer serves the explorer page until the process is stopped.
func serveExplorer(m *explore.Map, addr string, stdout io.Writer) (int, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "flood explorer for %s at http://%s/  (Ctrl-C to stop · 按 Ctrl-C 停止)\n", m.Name, ln.Addr())
	srv := &http.Server{Handler: explore.Handler(m), ReadHeaderTimeout: 10 * time.Second}
	return 1, srv.Serve(ln)
}
