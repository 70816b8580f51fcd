package engine

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"slices"
	"testing"
)

// A column longer than one chunk comes back whole and in order.
func TestSnapshotColumnChunks(t *testing.T) {
	for _, n := range []int{0, 1, snapshotChunk, snapshotChunk + 1, 3*snapshotChunk + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var infos []rowInfo
			var nums []uint32
			slots := make([]uint32, n)
			for i := range n {
				infos = append(infos, rowInfo{ID: fmt.Sprintf("id-%d", i), TermIDs: []string{fmt.Sprint(i % 7)}})
				nums = append(nums, uint32(i*3))
				slots[i] = uint32(i)
			}
			var buf bytes.Buffer
			enc := gob.NewEncoder(&buf)
			if err := newColumn(&infos, func(r *row) *rowInfo { return &r.info }).save(enc, slots); err != nil {
				t.Fatal(err)
			}
			if err := newColumn(&nums, func(r *row) *uint32 { return &r.needs }).save(enc, slots); err != nil {
				t.Fatal(err)
			}
			var gotInfos []rowInfo
			var gotNums []uint32
			dec := gob.NewDecoder(&buf)
			if err := newColumn(&gotInfos, func(r *row) *rowInfo { return &r.info }).load(dec, n); err != nil {
				t.Fatal(err)
			}
			if err := newColumn(&gotNums, func(r *row) *uint32 { return &r.needs }).load(dec, n); err != nil {
				t.Fatal(err)
			}
			if len(gotInfos) != n || len(gotNums) != n {
				t.Fatalf("loaded %d and %d values, want %d", len(gotInfos), len(gotNums), n)
			}
			for i := range n {
				if gotInfos[i].ID != infos[i].ID || !slices.Equal(gotInfos[i].TermIDs, infos[i].TermIDs) || gotNums[i] != nums[i] {
					t.Fatalf("value %d: got %+v %d, want %+v %d", i, gotInfos[i], gotNums[i], infos[i], nums[i])
				}
			}
		})
	}
}
