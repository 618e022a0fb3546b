// Command mapgen writes the drill maps in assets/maps: for each map the
// elevation, land-use and soil grids as ESRI ASCII files, NAME.meta.json
// with its named places and river edges, and README.md describing them all.
//
// The maps are generated rather than drawn so that every feature a
// scenario names (an underpass, a stair, a colluvium slope) is placed by
// the same code that lists it, and so that a change to a map is a reviewed
// change to this program. Output is byte-for-byte deterministic: seeded
// hash noise, no clocks, no map iteration.
//
//	go generate ./assets        (runs: go run ../internal/mapgen -out maps)
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

func main() {
	out := flag.String("out", "maps", "directory to write the maps into")
	preview := flag.String("preview", "", "also write colour preview PNGs into this directory (for review; not committed)")
	flag.Parse()
	if err := run(*out, *preview); err != nil {
		fmt.Fprintln(os.Stderr, "mapgen:", err)
		os.Exit(1)
	}
}

// buildAll makes every map, in README order.
func buildAll() []*builder {
	return []*builder{chongqing(), floodDistrict(), landslideSchool(), heatSchool()}
}

func run(out, preview string) error {
	files, err := render(buildAll())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(out, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	if preview != "" {
		if err := os.MkdirAll(preview, 0o755); err != nil {
			return err
		}
		for _, b := range buildAll() {
			if err := os.WriteFile(filepath.Join(preview, b.meta.Name+".preview.png"), previewPNG(b), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

type file struct {
	name string
	data []byte
}

// render turns the maps into the files of assets/maps, in memory, so the
// test can compare them with the committed ones without writing anything.
func render(maps []*builder) ([]file, error) {
	var files []file
	for _, b := range maps {
		if err := b.check(); err != nil {
			return nil, err
		}
		elev := b.grid()
		put := func(suffix string, g *terrain.Grid, decimals int) error {
			var buf bytes.Buffer
			if err := terrain.WriteASC(&buf, g, decimals); err != nil {
				return fmt.Errorf("%s%s: %w", b.meta.Name, suffix, err)
			}
			files = append(files, file{b.meta.Name + suffix, buf.Bytes()})
			return nil
		}
		if err := put(".elev.asc", elev, 2); err != nil {
			return nil, err
		}
		if err := put(".landuse.asc", terrain.LandUseGrid(elev, b.lu), 0); err != nil {
			return nil, err
		}
		if err := put(".soil.asc", terrain.SoilGrid(elev, b.soil), 0); err != nil {
			return nil, err
		}
		if b.writePNG {
			p, err := heightPNG(b, elev)
			if err != nil {
				return nil, err
			}
			files = append(files, file{b.meta.PNG.File, p})
		}
		js, err := json.MarshalIndent(b.meta, "", "  ")
		if err != nil {
			return nil, err
		}
		files = append(files, file{b.meta.Name + ".meta.json", append(js, '\n')})
	}
	files = append(files, file{"README.md", readme(maps)})
	return files, nil
}

// heightPNG encodes the elevation as a 16-bit grayscale PNG with one level
// per centimetre from 0 m (zMax = 655.35 m), the same resolution as the
// .asc file, so the two assets hold identical heights.
func heightPNG(b *builder, elev *terrain.Grid) ([]byte, error) {
	const zMin, zMax = 0.0, 655.35
	b.meta.PNG.ZMin, b.meta.PNG.ZMax = zMin, zMax
	img := image.NewGray16(image.Rect(0, 0, elev.NX, elev.NY))
	for i, z := range elev.V {
		p := math.Round((z - zMin) * 100)
		if p < 0 || p > 65535 {
			return nil, fmt.Errorf("%s: elevation %v outside the PNG range [%v, %v]", b.meta.Name, z, zMin, zMax)
		}
		img.SetGray16(i%elev.NX, i/elev.NX, color.Gray16{Y: uint16(p)})
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// previewPNG draws land use tinted by hillshade, for a reviewer's eye.
func previewPNG(b *builder) []byte {
	g := b.grid()
	colours := map[terrain.LandUse]color.RGBA{
		terrain.Open: {150, 200, 120, 255}, terrain.Road: {200, 200, 200, 255}, terrain.Water: {60, 110, 220, 255},
		terrain.Forest: {40, 120, 50, 255}, terrain.Building: {130, 80, 70, 255}, terrain.Wall: {20, 20, 20, 255},
		terrain.SoilSlope: {190, 150, 90, 255}, terrain.Farmland: {220, 210, 120, 255}, terrain.Shrub: {110, 160, 80, 255},
		terrain.SportsSurface: {200, 90, 60, 255},
	}
	scale := max(1, 512/max(g.NX, g.NY))
	img := image.NewRGBA(image.Rect(0, 0, g.NX*scale, g.NY*scale))
	for i := range g.V {
		dx, dy := g.Gradient(i)
		shade := clamp01(0.75 + 0.5*(-dx+dy)/math.Sqrt(1+dx*dx+dy*dy))
		c := colours[b.lu[i]]
		px := color.RGBA{uint8(float64(c.R) * shade), uint8(float64(c.G) * shade), uint8(float64(c.B) * shade), 255}
		for yy := 0; yy < scale; yy++ {
			for xx := 0; xx < scale; xx++ {
				img.Set((i%g.NX)*scale+xx, (i/g.NX)*scale+yy, px)
			}
		}
	}
	for _, p := range b.meta.Places {
		r := p.Rect
		x0, y0 := int(r.X0/g.Cell*float64(scale)), int(r.Y0/g.Cell*float64(scale))
		x1, y1 := int(r.X1/g.Cell*float64(scale)), int(r.Y1/g.Cell*float64(scale))
		for x := x0; x <= x1; x++ {
			img.Set(x, y0, color.RGBA{255, 0, 255, 255})
			img.Set(x, y1, color.RGBA{255, 0, 255, 255})
		}
		for y := y0; y <= y1; y++ {
			img.Set(x0, y, color.RGBA{255, 0, 255, 255})
			img.Set(x1, y, color.RGBA{255, 0, 255, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
