package server

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim"
)

func (s *headendService) PutFile(_ context.Context, req *headendv1.PutFileRequest) (*headendv1.PutFileResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	fi, err := lab.PutFile(req.GetHostname(), req.GetPath(), req.GetData())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.PutFileResponse{File: flashFilePB(fi)}, nil
}

func (s *headendService) GetFile(_ context.Context, req *headendv1.GetFileRequest) (*headendv1.GetFileResponse, error) {
	lab, err := s.labs.get(req.GetLab())
	if err != nil {
		return nil, err
	}
	if err := needHostname(req.GetHostname()); err != nil {
		return nil, err
	}
	data, fi, err := lab.GetFile(req.GetHostname(), req.GetPath())
	if err != nil {
		return nil, toStatus(err)
	}
	return &headendv1.GetFileResponse{File: flashFilePB(fi), Data: data}, nil
}

func flashFilePB(fi sim.FileInfo) *headendv1.FlashFile {
	return &headendv1.FlashFile{Path: "flash:" + fi.Name, Size: int64(fi.Size), Modified: timestamppb.New(fi.Modified)}
}
